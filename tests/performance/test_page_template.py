"""``templates/page.html`` is the NHS.UK page template written out without its imports:
every page must come out exactly as the package's ``nhsuk/template.jinja`` would make it."""

from __future__ import annotations

import re

from flask import render_template_string
from jinja2 import nodes

PACKAGE_TEMPLATE = "nhsuk/template.jinja"
OURS = "page.html"

# Every block the layout fills, with text that shows where it lands.
CHILD = (
    '{% extends base %}'
    '{% block pageTitle %}Log a case – Tracker – NHS{% endblock %}'
    '{% block head %}<link rel="stylesheet" href="/static/x.css">{% endblock %}'
    '{% block skipLink %}<a class="skip">Skip</a>{% endblock %}'
    '{% block header %}<header>Header</header>{% endblock %}'
    '{% block beforeContent %}<nav>Breadcrumbs</nav>{% endblock %}'
    '{% block content %}<h1>Content & more</h1>{% endblock %}'
    '{% block footer %}<footer>Footer</footer>{% endblock %}'
)


def _render(app, base: str, **context) -> str:
    with app.test_request_context():
        html = render_template_string(CHILD, base=base, **context)
    return re.sub(r"\s+", " ", html).strip()


def test_a_page_comes_out_as_the_nhs_template_makes_it(app):
    for context in ({"assetPath": "/static/nhsuk/assets", "cspNonce": "n0nce"}, {}):
        assert _render(app, OURS, **context) == _render(app, PACKAGE_TEMPLATE, **context)


def test_it_has_every_block_of_the_nhs_template(app):
    def blocks(name: str) -> set[str]:
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        return {block.name for block in app.jinja_env.parse(source).find_all(nodes.Block)}

    assert blocks(OURS) == blocks(PACKAGE_TEMPLATE)


def test_the_layout_uses_it(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert 'id="maincontent"' in html and "js-enabled" in html
