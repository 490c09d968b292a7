"""The stack's floor: an empty offline st_folium map with one small polygon (same Leaflet copy,
same venv), and a text box whose value redraws one feature group. benchmarks/run.py starts it
beside the project (`running_floor_app`) to compare the app's maps with what the stack costs."""

import os
import sys

sys.path.insert(0, os.environ["ALLIANCE_ROOT"])

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from alliance.maps.offline import use_local_assets  # noqa: E402

st.set_page_config(page_title="Plancher", layout="wide")
text = st.text_input("Recherche (coopération, territoire)")
fmap = folium.Map(tiles=None, prefer_canvas=True, location=[46.6, 2.4], zoom_start=6)
folium.Polygon([[48.0, -4.0], [48.5, -4.0], [48.5, -3.3]], tooltip="plancher", fill=True).add_to(fmap)
use_local_assets(fmap)
group = folium.FeatureGroup(name="couche")
folium.Polygon([[47.0, 1.0], [47.4, 1.0], [47.4, 1.6]], tooltip=text or "vide", fill=True).add_to(group)
st_folium(fmap, key="plancher", height=640, feature_group_to_add=group, returned_objects=[])
