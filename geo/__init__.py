"""Dateline's geoparsing pipeline, one subpackage per stage of the data flow.

    input/       read files and rows, clean and date each article        -> records.Article
    parsing/     recognise place names (spaCy) and resolve them         -> records.ParsedArticle
    store/       write articles and mentions to DuckDB, ingest streams
    app/         what the dashboard shows: views, the folium map, offline assets
    evaluation/  scoring on gold corpora (EUPEG protocol)

``records`` holds the plain data passed between stages, ``contract`` the JSON the command
line prints, ``__main__`` the command line. docs/architecture.md walks through it. Importing
``geo`` keeps numpy's BLAS to one thread (``geo.threads``).
"""

from geo.threads import limit_blas_threads

limit_blas_threads()
