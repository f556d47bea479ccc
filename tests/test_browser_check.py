"""The plots-page check itself can fail: on a page that loads a CDN script, a remote image and a
fetch, the real browser reports each, and the recording proxy sees them (and refuses them)."""

from browser import RecordingProxy, render


def test_the_browser_check_sees_what_a_page_loads_from_outside(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.jsdelivr.net/npm/vega@5.20.2"></script>'
        '</head><body><div id="drawn"><svg></svg></div><div id="blank"><p>nothing</p></div>'
        '<div id="remote"><img src="https://example.com/x.png"></div>'
        '<script>fetch("https://example.org/data.json").catch(() => {});</script></body></html>')
    with RecordingProxy() as proxy:
        dom = render(page, proxy, tmp_path / "profile")
    assert [(plot.id, plot.drawn) for plot in dom.plots] == [("drawn", True), ("blank", False),
                                                             ("remote", True)]
    assert dom.loaded == ["https://cdn.jsdelivr.net/npm/vega@5.20.2"]
    assert sorted(dom.resources) == ["https://cdn.jsdelivr.net/npm/vega@5.20.2",
                                     "https://example.com/x.png", "https://example.org/data.json"]
    assert sorted(r.split()[1] for r in proxy.page_requests()) == [
        "cdn.jsdelivr.net:443", "example.com:443", "example.org:443"]
