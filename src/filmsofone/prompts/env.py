"""The Jinja2 environment: workspace templates (`<workspace>/templates/*.j2`) override the packaged ones.

Undefined variables are errors (StrictUndefined), so a template that names a missing part fails loudly.
A backend's template is the first found of `<backend>.j2`, `<family>.j2`, `default.j2`.
"""

from __future__ import annotations

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, Template
from jinja2 import TemplateError

from ..errors import UserError
from ..workspace import Workspace


def sentence(text: str) -> str:
    """Ends the text with a full stop unless it already ends a sentence."""
    text = str(text).strip()
    if not text or text[-1] in ".!?\u2026\"'\u201d\u2019)":
        return text
    return text + "."


def make_env(ws: Workspace | None = None) -> Environment:
    loaders = []
    if ws is not None and ws.templates_dir.is_dir():
        loaders.append(FileSystemLoader(str(ws.templates_dir)))
    loaders.append(PackageLoader("filmsofone.prompts", "templates"))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
                      trim_blocks=False, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["sentence"] = sentence
    return env


def template_for(env: Environment, backend: str, family: str) -> Template:
    names = list(dict.fromkeys([f"{backend}.j2", f"{family}.j2", "default.j2"]))
    try:
        return env.select_template(names)
    except TemplateError as exc:
        raise UserError(f"prompt template error: {exc}", "fix the template in templates/ or remove it") from exc


def render(template: Template, context: dict) -> str:
    """The template's output as one line: each non-empty line stripped and joined by a space."""
    try:
        text = template.render(**context)
    except TemplateError as exc:
        name = template.name or "template"
        raise UserError(f"prompt template {name}: {exc}", "use only the documented variables "
                        "(framing, framing_still, characters, action, look, light, props, dialogue, mood, style, shot)") from exc
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
