"""Folium maps: compact feature layers, base map, cooperation layers, the Streamlit component."""
