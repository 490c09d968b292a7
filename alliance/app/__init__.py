"""The Streamlit side: caches, the filter sidebar, shared widgets, navigation, editor login."""
