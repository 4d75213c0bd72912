"""The README's two commands are the ones CI and users run."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _code_lines(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line.strip())
    return lines


def test_readme_opens_with_the_run_and_test_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text("utf-8")
    run_command, test_command = _code_lines(readme)[:2]
    assert run_command.endswith("mediamon run")
    assert test_command.endswith("python -m pytest -q")
    assert test_command in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_every_setting_is_documented():
    from core.settings import ENVIRONMENT_VARIABLES

    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in ENVIRONMENT_VARIABLES if f"`{name}`" not in readme]
    assert not missing


def test_every_outcome_is_documented():
    from core.records import Outcome

    readme = (ROOT / "README.md").read_text("utf-8")
    assert not [o.value for o in Outcome if f"| `{o.value}` |" not in readme]
