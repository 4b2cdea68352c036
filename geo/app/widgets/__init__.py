"""The dashboard's Streamlit sections, one module each; ``dashboard.py`` lays them out.

    data         the store's queries, cached per store generation; the gazetteer, the model, the basemap
    startup      the first start: gazetteer, model, tiles and sample articles, stage by stage
    sidebar      uploads, filters (kinds, confidence, search, outlets, undated) and exports
    dates        the date slider, Play and its steps, the timeline (drag to choose dates)
    selection    which place is chosen, from the map, the table or the URL, and where the map goes
    mapview      the map: markers or density, its legend
    panel        the chosen place's sentences
    article      an article in a dialog, its places highlighted
    tables       the places table and the articles table (remove articles)
    chooser      "Wrong place?": another place, none, or a new one, for a name
    corrections  the readers' corrections (undo) and the names placed nowhere

Logic that needs no Streamlit lives beside this package (``geo.app.view``, ``webmap``, ``window``,
``choices``) and is tested without it.
"""
