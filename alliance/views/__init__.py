"""Charts and slides built from the analysis (Altair, no Streamlit)."""
