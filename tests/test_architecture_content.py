"""Only `indsats/agreements/` knows the keys of an agreement version's content document.

Everyone else reads `version.parsed` (an `AgreementContent`). This test fails when code outside
the agreements room (migrations and the demo/synthetic data excepted) indexes the document,
spreads or copies it, queries its keys in SQL, or a template reads `version.content.<key>`.
"""

import ast
import re
from pathlib import Path

import pytest

from indsats.agreements.content import JSON_KEYS
from tests import astparse

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "demo", "forloeb", "indsats", "institutioner")
OWNER = Path("indsats") / "agreements"
# Demo and synthetic data only write documents; they are development-only.
EXEMPT_NAMES = {"demo.py", "synthetic.py"}

JSON_LOOKUP = re.compile(r"content__\w")
KEY_TRANSFORMS = {"KeyTextTransform", "KeyTransform"}
TEMPLATE_READ = re.compile(r"\.content\s*(\.|\||\[)")


def _names_content(node: ast.AST) -> bool:
    """`x.content` or a local variable called `content` (or `…_content`)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "content"
    if isinstance(node, ast.Name):
        return node.id == "content" or node.id.endswith("_content")
    return False


def _key(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def content_reads(source: str) -> list[str]:
    """The places in a module's source that read agreement content keys, as 'line: code'."""
    found = []
    for node in ast.walk(astparse.parse(source)):
        bad = False
        if isinstance(node, ast.Subscript) and _names_content(node.value):
            # version.content[...] always; content["goals"] when the key is a document key.
            bad = isinstance(node.value, ast.Attribute) or _key(node.slice) in JSON_KEYS
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if node.func.attr in {"get", "keys", "items", "values"} and _names_content(receiver):
                bad = isinstance(receiver, ast.Attribute) or any(
                    _key(arg) in JSON_KEYS for arg in node.args
                )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in KEY_TRANSFORMS:
                bad = True
            elif node.func.id == "dict":
                bad = any(isinstance(a, ast.Attribute) and a.attr == "content" for a in node.args)
        elif isinstance(node, ast.Dict):
            # {**version.content, ...}
            bad = any(
                key is None and isinstance(value, ast.Attribute) and value.attr == "content"
                for key, value in zip(node.keys, node.values, strict=True)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            bad = bool(JSON_LOOKUP.search(node.value))
        elif isinstance(node, ast.keyword) and node.arg:
            bad = bool(JSON_LOOKUP.search(node.arg))
        if bad:
            found.append(f"{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def _modules() -> list[Path]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative.is_relative_to(OWNER) or "migrations" in relative.parts:
                continue
            if relative.parts[0] == "demo" or path.name in EXEMPT_NAMES:
                continue
            modules.append(path)
    return modules


def test_no_module_outside_the_agreements_room_reads_content_keys():
    modules = _modules()
    assert len(modules) > 50
    offenders = {
        str(path.relative_to(ROOT)): reads
        for path in modules
        if (reads := content_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "Read the agreement's content through `version.parsed`."


def test_no_template_reads_content_keys():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_READ.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "code",
    [
        'version.content["goals"]',
        "version.content.get('hours_per_week')",
        "course.agreement.versions.get().content['goals']",
        'content.get("midway_evaluation_on")',
        'content["weekdays"]',
        "{**draft.content, 'hours_per_week': '3.00'}",
        "dict(version.content)",
        "version.content.items()",
        "qs.filter(agreement__versions__content__hours_per_week__gt=0)",
        "qs.values('versions__content__starts_on')",
        "KeyTextTransform('hours_per_week', 'content')",
    ],
)
def test_the_check_catches_each_way_of_reading_keys(code):
    assert content_reads(code) != []


@pytest.mark.parametrize(
    "code",
    [
        "version.parsed.goal_texts()",
        "version.parsed.hours_per_week",
        "response.content.decode()",
        "isinstance(attachment.content, bytes)",
        'self.cleaned_data["weekdays"]',
        "AgreementVersion.objects.values('hours_per_week', 'starts_on')",
        "version_hash(agreement_id=1, number=1, content=version.content)",
    ],
)
def test_the_check_leaves_other_code_alone(code):
    assert content_reads(code) == []
