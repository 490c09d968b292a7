"""The address of a view (app.sidebar): query parameters written only when they change."""

from streamlit.runtime.state import query_params as query_params_module
from streamlit.testing.v1 import AppTest


def test_query_params_are_written_only_when_they_change(monkeypatch):
    """Each write of Streamlit's query parameters sends the frontend a page-info message, which
    re-renders its whole app: the same parameters again send nothing."""
    sent: list[dict] = []
    original = query_params_module.QueryParams._send_query_param_msg

    def counted(self):
        sent.append(dict(self._query_params))
        return original(self)

    monkeypatch.setattr(query_params_module.QueryParams, "_send_query_param_msg", counted)

    def script():
        from alliance.app.sidebar import set_query_params

        set_query_params({"scene": "a"})
        set_query_params({"scene": "a"})
        set_query_params({"scene": "b", "coop": "x"})
        set_query_params({"coop": "x", "scene": "b"})

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert sent == [{"scene": "a"}, {"scene": "b", "coop": "x"}]
