"""Parsing: recognise place names in an article (spaCy + gazetteer ruler) and resolve each to a place.

    nlp         the spaCy pipeline: NER only, with ``ruler`` (prominent gazetteer names) before it
    recognize   which spans of a processed doc are toponyms            -> toponym.Toponym
    vocabulary  the English words the recognition rules look for (titles, organisation words...)
    resolve     one gazetteer place per toponym, with the article as context
    features    what the ranker sees of each candidate place
    ranker      the fitted ranker (data/ranker.json) and ``calibration``, the confidence
    sentences   the sentence around a mention
    pipeline    ``parse_batch`` and ``Geoparser``: articles in, parsed articles out
    cluster     ``ClusterParser``: ``parse_batch`` over partitions on a Dask cluster
    tables      a partition's parsed articles as an Arrow table (what a cluster worker sends back)
"""
