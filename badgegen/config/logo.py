"""Logos: badgegen's own, or a user's SVG file checked against an allow-list.

A logo travels further than badgegen's own badge (where it is a data: image
and cannot run anything): NAME.json hands its text to shields and to any
other renderer. So a user's file may hold only elements and attributes that
draw shapes, each reference must point inside the file, and anything not on
the lists below (scripts, event handlers, animation, links, images, foreign
content, editor metadata, processing instructions, DOCTYPEs) is refused.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

from badgegen.reading import NotReadable, read_bounded
from badgegen.text.logo import Logo

BUILTIN_LOGOS = ("xmpp",)
# Each built-in logo's brand colour, as Simple Icons gives it (hex digits, no #).
BUILTIN_BRANDS = {"xmpp": "002B5C"}
MAX_LOGO_BYTES = 32 * 1024
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PLAIN_SVG_HINT = 'save it as "plain SVG" or run it through svgo'


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements that only draw, group or define paint; nothing that runs, moves or fetches.
ALLOWED_ELEMENTS = _words("""
    svg g defs title desc symbol use path rect circle ellipse line polyline polygon
    text tspan linearGradient radialGradient stop pattern clipPath mask style
    filter feBlend feColorMatrix feComponentTransfer feComposite feFlood feFuncA
    feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset
""")
# Geometry and presentation; the same names are the CSS properties style may set.
PRESENTATION = _words("""
    clip-path clip-rule color color-interpolation color-interpolation-filters
    display dominant-baseline fill fill-opacity fill-rule filter flood-color
    flood-opacity font-family font-size font-style font-variant font-weight
    letter-spacing lighting-color mask opacity overflow paint-order shape-rendering
    stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor
    text-rendering transform vector-effect visibility word-spacing isolation
    mix-blend-mode
""")
ALLOWED_ATTRIBUTES = PRESENTATION | _words("""
    id class style version baseProfile viewBox preserveAspectRatio width height
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points pathLength offset dx dy rotate
    gradientUnits gradientTransform spreadMethod patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits filterUnits
    primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4 values type
    tableValues slope intercept amplitude exponent radius textLength lengthAdjust
    role aria-label aria-hidden focusable lang href
""")
XML_ATTRIBUTES = frozenset({f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"})
# CSS that reaches outside the file or escapes the checks on it.
_EXTERNAL_CSS = re.compile(
    r"""url\(\s*(?!['"]?\#)|@|\\|expression\s*\(|image(-set)?\s*\(|element\s*\(|<""",
    re.IGNORECASE,
)


def builtin_logo(name: str) -> Logo:
    """One of the logos badgegen ships (see badgegen/data/README.md for sources)."""
    path = resources.files("badgegen").joinpath(f"data/logo-{name}.svg")
    return Logo(svg=path.read_text("utf-8"), name=name, brand=BUILTIN_BRANDS[name])


def load_logo(path: Path) -> Logo:
    """Read a user's SVG logo, refusing anything that is not on the allow-lists.

    Raises:
        ValueError: saying what is wrong with the file.
    """
    try:
        data = read_bounded(path, MAX_LOGO_BYTES)
    except NotReadable as exc:
        raise ValueError(str(exc)) from exc
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text") from exc
    if problem := svg_problem(text):
        raise ValueError(f"{path} {problem}")
    return Logo(svg=text)


def svg_problem(text: str) -> str | None:
    """Why text is not a passive SVG document, or None when it is one."""
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        return "declares a DOCTYPE or entities"
    builder = _Builder()
    try:
        # No DOCTYPE (checked above), so expat expands no entities.
        parser = ElementTree.XMLParser(target=builder)  # noqa: S314
        parser.feed(text)
        root = parser.close()
    except ElementTree.ParseError as exc:
        return f"is not well-formed XML: {exc}"
    if builder.instructions:
        return f"contains a processing instruction (<?{builder.instructions[0]}?>)"
    if root.tag != f"{{{SVG_NS}}}svg":
        return "is not an SVG document"
    for element in root.iter():
        if problem := _element_problem(element):
            return problem
    return None


class _Builder(ElementTree.TreeBuilder):
    """A tree builder that also notes processing instructions, before the root too."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, data: str | None = None) -> ElementTree.Element:
        self.instructions.append(f"{target} {data or ''}".strip())
        return super().pi(target, data)


def _element_problem(element: ElementTree.Element) -> str | None:
    namespace, _, tag = str(element.tag)[1:].rpartition("}")
    if namespace != SVG_NS or tag not in ALLOWED_ELEMENTS:
        return f"contains <{_shown(namespace, tag)}> ({_expected()})"
    if tag == "style" and _EXTERNAL_CSS.search(element.text or ""):
        return "has a <style> that reaches outside the file or escapes (@, \\, url() not #)"
    for name, value in element.attrib.items():
        if problem := _attribute_problem(name, value):
            return f"has {problem} on <{tag}>"
    return None


def _attribute_problem(name: str, value: str) -> str | None:
    namespace, _, local = name[1:].rpartition("}") if name.startswith("{") else ("", "", name)
    allowed = (
        (not namespace and local in ALLOWED_ATTRIBUTES)
        or (namespace == XLINK_NS and local == "href")
        or name in XML_ATTRIBUTES
    )
    if not allowed:
        if local.lower().startswith("on"):
            return f"an event handler ({local})"
        return f"the attribute {_shown(namespace, local)} ({_expected()})"
    if local == "href" and not value.startswith("#"):
        return "a link to something outside it (href must point inside the file, #id)"
    if (local == "style" or local in PRESENTATION) and _EXTERNAL_CSS.search(value):
        return f"a {local} that reaches outside the file or escapes (@, \\, url() not #)"
    if local == "style" and (problem := _style_problem(value)):
        return problem
    return None


def _style_problem(style: str) -> str | None:
    for declaration in style.split(";"):
        prop = declaration.partition(":")[0].strip().lower()
        if prop and prop not in PRESENTATION:
            return f"a style that sets {prop} ({_expected()})"
    return None


def _shown(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}" if namespace and namespace != SVG_NS else local


def _expected() -> str:
    return f"expected only shapes, paint and text; {PLAIN_SVG_HINT}"
