""""Wrong place?": another place for a name, none ("Not a place"), or a new one put on the map.

The choice applies to the name in every article of the store by default, or to one article, or to
one mention; it is one transaction in the store (``geo.store.corrections``), which raises the
store's generation, so the map, counts, timeline, tables and exports follow at once. A control
asks for it with ``ask``: the name as written, its article and offset, and the place it has now;
the request stays in the session (``choose``) until the chooser is closed or has done its work.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit_folium import st_folium

from gazetteer import KINDS, Place
from geo.app import webmap
from geo.app.choices import SCOPE_LABELS, choices
from geo.app.widgets import data
from geo.errors import CorrectionError, StoreBusy
from geo.store.corrections import Scope

CHOICES_SHOWN = 12
"""Places offered for a name or a search."""
WIDGET_KEYS = ("choose_scope", "choose_query", "choose_place", "new_kind", "new_country", "new_map")
"""The chooser's widgets: cleared when it opens for another name."""
PICK_MAP_HEIGHT = 320
PICK_ZOOM = 6


def ask(request: dict) -> None:
    """Open the chooser afresh for a name: ``name``, ``article_id``, ``start`` (of the mention),
    ``place_key``, ``place`` (its name) and ``point`` (lat, lon) of its place now, or None."""
    for key in WIDGET_KEYS:
        st.session_state.pop(key, None)
    st.session_state.choose = request
    st.rerun()


def _closed() -> None:
    st.session_state.pop("choose", None)


@st.dialog("Wrong place?", width="large", on_dismiss=_closed)
def show(request: dict) -> None:
    name = request["name"]
    where = f"is placed at <b>{html.escape(request['place'])}</b>" if request.get("place") else "is placed nowhere"
    st.markdown(f"“<b>{html.escape(name)}</b>” {where}.", unsafe_allow_html=True)
    scope = st.radio("Change", list(Scope), format_func=SCOPE_LABELS.get, key="choose_scope")
    query = st.text_input(
        "Search the gazetteer", key="choose_query", placeholder=f"Other places called {name}, or any place"
    )
    found = data.gazetteer().candidates(query.strip() or name, fuzzy=bool(query.strip()), limit=CHOICES_SHOWN)
    offered = choices(found, request.get("place_key"), request.get("point"))
    picked = None
    if offered:
        picked = st.radio(
            "Other places of this name" if not query.strip() else "Places found", offered, index=None,
            format_func=lambda choice: choice.label, key="choose_place",
        )  # fmt: skip
    else:
        st.caption("No other place of this name in the gazetteer: search for one, or put it on the map below.")
    use, none = st.columns(2)
    if use.button("Use this place", type="primary", disabled=picked is None, key="choose_use"):
        _apply(request, picked.place, scope)
    if none.button("Not a place", key="choose_none", help=f"“{name}” names no place here: take it off the map"):
        _apply(request, None, scope)
    with st.expander("Not in the gazetteer? Put it on the map"):
        _new_place(request, scope)


def _apply(request: dict, place: Place | None, scope: Scope) -> None:
    narrow = scope is not Scope.NAME
    try:
        data.corrections().correct(
            request["name"], place, scope=scope, article_id=request["article_id"] if narrow else None,
            start=request["start"] if scope is Scope.MENTION else None,
        )  # fmt: skip
    except StoreBusy as busy:
        st.error(f"{busy}. Nothing was changed: try again in a moment.")
        return
    except CorrectionError as error:
        st.error(f"{error}. Nothing was changed.")
        return
    target = place.name if place is not None else "not a place"
    st.session_state.notice = f"“{request['name']}” → {target} ({SCOPE_LABELS[scope]})."
    _closed()
    st.rerun()


def _new_place(request: dict, scope: Scope) -> None:
    """A place the gazetteer lacks: a click on the map sets its point; it is kept in this store."""
    st.caption(f"Click the map where “{request['name']}” is, choose its kind, and add it.")
    centre = request.get("point") or webmap.WORLD_CENTRE
    picked = st_folium(
        webmap.base_map(data.basemap(), location=centre, zoom=PICK_ZOOM), key="new_map",
        height=PICK_MAP_HEIGHT, use_container_width=True, returned_objects=["last_clicked"],
    )  # fmt: skip
    point = (picked or {}).get("last_clicked")
    kind_column, country_column = st.columns(2)
    kind = kind_column.selectbox("Kind", KINDS, index=KINDS.index("city"), key="new_kind")
    country = country_column.text_input("Country code (optional)", max_chars=2, key="new_country")
    if point:
        st.caption(f"Point: {point['lat']:.4f}, {point['lng']:.4f}")
    if st.button("Add this place and use it", disabled=not point, key="new_add"):
        try:
            place = data.corrections().add_user_place(
                request["name"], kind, float(point["lat"]), float(point["lng"]), country.strip().upper() or None
            )
        except (StoreBusy, CorrectionError) as error:
            st.error(f"{error}. Nothing was changed.")
            return
        _apply(request, place, scope)
