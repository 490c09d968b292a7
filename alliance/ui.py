"""Small shared Streamlit widgets (layout only; logic lives in the other modules)."""
import streamlit as st

from .maps import ATTRIBUTION


def sources_footer() -> None:
    """Sources and licences, shown at the bottom of every page."""
    with st.expander("Sources et licences", expanded=False):
        st.markdown(
            "- **Contours administratifs** : IGN – ADMIN EXPRESS COG 2018, via le dépôt public "
            "*france-geojson* (Licence Ouverte / Open Licence Etalab).\n"
            "- **Codes officiels, communes et EPCI** : INSEE, Code officiel géographique, via le "
            "paquet *@etalab/decoupage-administratif* 6.0.0 (Licence Ouverte).\n"
            "- Les périmètres des EPCI sont reconstitués en agrégeant les communes 2018 selon la "
            "composition actuelle des intercommunalités."
        )
    st.caption(ATTRIBUTION)
