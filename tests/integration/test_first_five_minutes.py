"""A newcomer's first five minutes, with the installed command typed as README says.

Each test runs `badgegen` from the built wheel (installed.py) in an empty
folder: README's path in its order, every error on it naming what was typed
and the next step, the demo leaving the user oriented, init's last mile, and
named logos with and without the icons extra.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from badgegen.demo.occupants import Occupants
from badgegen.errors import EXIT_NOTHING_COUNTED, EXIT_OK, EXIT_USAGE
from sandbox.servers import SandboxServer
from tests.endpoint_schema import endpoint_problems

from .conftest import Account
from .installed import ROOT, run

# The tests that need a server count on Prosody only: the newcomer's path is the subject.
PROSODY = pytest.mark.parametrize("server", ["prosody"], indirect=True)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_badge_section() -> str:
    return README.split("## Your first badge", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> list[list[str]]:
    """The badgegen commands of README's first-badge path, in order, as typed."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", first_badge_section(), re.DOTALL):
        for line in block.splitlines():
            command = line.split("#", 1)[0].split()
            if command[:1] == ["badgegen"]:
                commands.append(command[1:])
    return commands


@PROSODY
def test_readme_path_runs_as_written(
    wheel_bin: Path, empty_dir: Path, server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    """init, check, refresh, snippet, in README's order, in a clone of a GitHub repository."""
    assert [command[0] for command in readme_commands()] == ["init", "check", "refresh", "snippet"]
    subprocess.run(["git", "init", "-q", str(empty_dir)], check=True)
    subprocess.run(
        ["git", "-C", str(empty_dir), "remote", "add", "origin", "git@github.com:me/project.git"],
        check=True,
    )
    secrets = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    where = ["--server", server.address, "--ca-file", str(server.ca_file), "--timeout", "5"]
    for command in readme_commands():
        if command[0] == "check":  # the user lists a room of theirs
            config = empty_dir / "rooms.yaml"
            text = config.read_text()
            config.write_text(
                text.replace("lobby@conference.example.org", occupants.room_jid("busy"))
            )
        extra = where if command[0] == "refresh" else []
        result = run(wheel_bin, empty_dir, *command, *extra, env=secrets)
        assert result.returncode == EXIT_OK, (command, result.stderr)
        assert "Traceback" not in result.stderr
        if command[0] == "init":
            assert "https://me.github.io/project" in result.stdout
            assert (
                "base_url: https://me.github.io/project" in (empty_dir / "rooms.yaml").read_text()
            )
    busy = occupants.room_jid("busy")
    assert result.stdout == (
        f"[![XMPP chat {busy}](https://me.github.io/project/{busy}.svg)](xmpp:{busy}?join)\n"
    )
    page = (empty_dir / "public" / "index.html").read_text()
    assert busy in page
    for written in (empty_dir / "public").glob("*.json"):
        if written.name not in ("badges.json", "history.json"):
            assert endpoint_problems(json.loads(written.read_text())) == [], written.name


def test_readme_leads_with_the_users_path() -> None:
    """Install (pipx first, a venv second), init, check, refresh, snippet, publish: in the
    first screens, before any reference or contributor matter."""
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert headings[0] == "Your first badge"
    assert headings.index("Quick start from a clone") < headings.index("Documentation")
    first_block = re.search(r"```\w*\n(.*?)```", README, re.DOTALL)
    assert first_block is not None
    assert "pipx install xmpp-badgegen" in first_block.group(1)
    section = first_badge_section()
    steps = ["pipx install", "python3 -m venv", "badgegen init", "badgegen check",
             "badgegen refresh", "badgegen snippet", "GitHub Actions"]  # fmt: skip
    places = [section.index(step) for step in steps]
    assert places == sorted(places)
    assert README.index(section) + len(section) < len("\n".join(README.splitlines()[:140]))


def test_check_without_rooms_yaml_points_to_init(wheel_bin: Path, empty_dir: Path) -> None:
    result = run(wheel_bin, empty_dir, "check")
    assert result.returncode == EXIT_USAGE
    assert result.stderr == (
        "Error: rooms.yaml: no such file (run `badgegen init` to start one,"
        " or pass --config PATH)\n"
    )


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("rooms:\n\t- lobby@conference.example.net\n", "a tab character; YAML indents with spaces"),
        (
            "rooms:\n  - jid: a@b.example.net\n    label: {name}\n",
            'in YAML {name} unquoted is a mapping, so quote it: label: "{name}"',
        ),
        (
            "rooms:\n  - jid: a@b.example.net\n    message: {count} here\n",
            'quote it: message: "{count} here"',
        ),
        ("rooms:\n  - a@b.example.net\n   - c@b.example.net\n", "start every item of the list"),
        ("rooms:\n  - jid: a@b.example.net\n    colors: {0: greem}\n", 'did you mean "green"?'),
        ("rooms:\n  - jid: a@b.example.net\n    lable: x\n", 'did you mean "label"?'),
        (
            "rooms:\n  - jid: a@b.example.net\n    link: http://chat.example.net/\n",
            'is plain http (expected xmpp, webchat or an https:// URL, e.g. https://chat.',
        ),
        ('rooms:\n  - jid: a@b.example.net\n    zero_message: ""\n', "empty message"),
        ('rooms:\n  - jid: a@b.example.net\n    unknown_message: ""\n', "empty message"),
        ("rooms:\n  - jid: a@b.example.net\n    logo: matrx\n", "logos other than xmpp need"),
    ],
    ids=["tab", "unquoted-name", "unquoted-message", "indented-item", "colour", "key",
         "http-link", "empty-zero", "empty-unknown", "logo-without-extra"],
)  # fmt: skip
def test_each_mistake_names_what_was_typed_and_the_fix(
    wheel_bin: Path, empty_dir: Path, written: str, says: str
) -> None:
    (empty_dir / "rooms.yaml").write_text(written)
    result = run(wheel_bin, empty_dir, "check")
    assert result.returncode == EXIT_USAGE
    assert says in result.stderr
    assert result.stderr.startswith("Error: rooms.yaml:")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_check_warns_about_the_placeholder_room(wheel_bin: Path, empty_dir: Path) -> None:
    assert run(wheel_bin, empty_dir, "init").returncode == EXIT_OK
    result = run(wheel_bin, empty_dir, "check")
    assert result.returncode == EXIT_OK
    assert re.fullmatch(
        r"Warning: rooms\.yaml:\d+: rooms\[0\]: lobby@conference\.example\.org is a placeholder:"
        r" .*replace it with your room's JID\n",
        result.stderr,
    )


def test_init_prints_the_last_mile_and_runs_on_pushes(wheel_bin: Path, empty_dir: Path) -> None:
    result = run(wheel_bin, empty_dir, "init")
    assert result.returncode == EXIT_OK
    said = " ".join(result.stdout.split())
    steps = ("badgegen check", "base_url", "BADGEGEN_JID", "BADGEGEN_PASSWORD",
             '"GitHub Actions"', "replaces it", "Commit and push", "Run workflow",
             "https://YOUR-NAME.github.io/YOUR-PROJECT/ROOM.svg", "badgegen snippet")  # fmt: skip
    for step in steps:
        assert step in said, step
    workflow = (empty_dir / ".github" / "workflows" / "badges.yml").read_text()
    on = workflow.split("\non:\n", 1)[1].split("\npermissions:", 1)[0]
    assert "push:" in on
    assert "- rooms.yaml" in on


@PROSODY
def test_server_typo_names_the_host_typed(
    wheel_bin: Path, empty_dir: Path, server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    (empty_dir / "rooms.yaml").write_text(f"rooms:\n  - {occupants.room_jid('busy')}\n")
    secrets = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    # glibc refuses a name with "!" itself: no query leaves the machine.
    result = run(
        wheel_bin, empty_dir, "refresh", "--server", f"localhsot!:{server.port}",
        "--timeout", "5", env=secrets,
    )  # fmt: skip
    assert result.returncode == EXIT_NOTHING_COUNTED
    assert f"cannot connect to localhsot!:{server.port}:" in result.stderr
    assert 'no host "localhsot!" in DNS (check the name)' in result.stderr
    assert account.jid.split("@")[1] not in result.stderr.split("cannot connect", 1)[1]


@PROSODY
def test_untrusted_certificate_points_to_ca_file(
    wheel_bin: Path, empty_dir: Path, server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    (empty_dir / "rooms.yaml").write_text(f"rooms:\n  - {occupants.room_jid('busy')}\n")
    secrets = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    result = run(
        wheel_bin, empty_dir, "refresh", "--server", server.address, "--timeout", "5", env=secrets
    )
    assert result.returncode == EXIT_NOTHING_COUNTED
    assert "certificate verify failed" in result.stderr
    assert "--ca-file PATH" in result.stderr


@PROSODY
def test_json_keeps_the_warnings(
    wheel_bin: Path, empty_dir: Path, server: SandboxServer, occupants: Occupants, account: Account
) -> None:
    """A warning (here: a poisoned entry in the last record) is on stderr and in --json."""
    busy = occupants.room_jid("busy")
    (empty_dir / "rooms.yaml").write_text(f"rooms:\n  - {busy}\n")
    public = empty_dir / "public"
    public.mkdir()
    poisoned = {"version": 1, "rooms": {busy: {"status": "counted", "occupants": -5}}}
    (public / "badges.json").write_text(json.dumps(poisoned))
    secrets = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    result = run(
        wheel_bin, empty_dir, "refresh", "--json", "--server", server.address,
        "--ca-file", str(server.ca_file), "--timeout", "5", env=secrets,
    )  # fmt: skip
    assert result.returncode == EXIT_OK, result.stderr
    document = json.loads(result.stdout)
    assert document["warnings"]
    assert all(f"Warning: {warning}" in result.stderr for warning in document["warnings"])


@pytest.mark.parametrize("command", ["refresh", "check", "badge", "snippet", "history", "init",
                                     "demo"])  # fmt: skip
def test_every_command_lists_its_exit_statuses(
    wheel_bin: Path, empty_dir: Path, command: str
) -> None:
    result = run(wheel_bin, empty_dir, command, "--help")
    assert result.returncode == EXIT_OK
    statuses = result.stdout.split("Exit status:", 1)[1]
    assert re.search(r"^\s+0\s", statuses, re.MULTILINE)
    assert re.search(r"^\s+2\s", statuses, re.MULTILINE)


def test_named_logos_with_the_icons_extra(
    extras_bin: Path, wheel_bin: Path, empty_dir: Path
) -> None:
    """`--logo matrix` draws Simple Icons' matrix with the extra; without it, xmpp still works."""
    drawn = run(extras_bin, empty_dir, "badge", "chat", "3 online", "--logo", "matrix")
    assert drawn.returncode == EXIT_OK, drawn.stderr
    assert "data:image/svg+xml;base64," in drawn.stdout
    plain = run(wheel_bin, empty_dir, "badge", "chat", "3 online", "--logo", "xmpp")
    assert plain.returncode == EXIT_OK
    missing = run(wheel_bin, empty_dir, "badge", "chat", "3 online", "--logo", "matrix")
    assert missing.returncode == EXIT_USAGE
    # Into this environment, with its own pip: the command that works where badgegen is.
    assert f"(the icons extra): {wheel_bin}/python -m pip install" in missing.stderr
    assert " -m pip install 'simple-icons-pack>=" in missing.stderr


def test_demo_leaves_the_user_oriented(extras_bin: Path, empty_dir: Path) -> None:
    result = run(extras_bin, empty_dir, "demo", timeout=180)
    assert result.returncode == EXIT_OK, result.stderr
    page = empty_dir / "badgegen-demo" / "index.html"
    assert page.is_file()
    assert "xdg-open badgegen-demo/index.html" in result.stdout
    assert page.resolve().as_uri() in result.stdout
    assert "badgegen demo --keep" in result.stdout
    assert "badgegen init" in result.stdout
    text = page.read_text()
    assert "Lobby" in text  # the room's own name, from the server
    assert "lobby@rooms.badgegen.test.trend.svg" in text


def test_demo_keep_serves_until_interrupted(extras_bin: Path, empty_dir: Path) -> None:
    """--keep prints what to type in another terminal; typed, it works; Ctrl-C stops it."""
    process = subprocess.Popen(
        [str(extras_bin / "badgegen"), "demo", "--keep"], cwd=empty_dir,
        env={"PATH": f"{extras_bin}:/usr/bin:/bin", "HOME": str(empty_dir), "LANG": "C.UTF-8"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 180  # pytest-timeout ends a hang; this ends an early exit
        while time.monotonic() < deadline and not any("badgegen snippet" in line for line in lines):
            lines.append(process.stdout.readline())
        said = "".join(lines)
        password_file = re.search(r"BADGEGEN_PASSWORD_FILE=(\S+)", said)
        refresh = re.search(r"  badgegen (refresh .*?--ca-file \S+)", said.replace("\\\n", ""))
        assert password_file, said
        assert refresh, said
        assert "demo-only-password" not in said  # a file, not the password, is printed
        again = run(
            extras_bin, empty_dir, *refresh.group(1).split(),
            env={"BADGEGEN_PASSWORD_FILE": password_file.group(1)},
        )  # fmt: skip
        assert again.returncode == 3, again.stderr  # the missing sample room
        # "In another terminal", wherever it is: the paths printed are absolute.
        elsewhere = empty_dir / "elsewhere"
        elsewhere.mkdir()
        history = re.search(r"  badgegen (history .*)", said)
        assert history
        shown = run(extras_bin, elsewhere, *history.group(1).split())
        assert shown.returncode == EXIT_OK, shown.stderr
        assert "last count 5" in shown.stdout
        discover = re.search(r"  badgegen (discover .*)", said)
        assert discover, said
        listed = run(
            extras_bin, elsewhere, *discover.group(1).split(),
            env={"BADGEGEN_PASSWORD_FILE": password_file.group(1)},
        )  # fmt: skip
        assert listed.returncode == EXIT_OK, listed.stderr
        assert "rooms:" in listed.stdout
        assert history.group(1).split()[1] in listed.stdout  # the lobby, a public room
    finally:
        process.send_signal(signal.SIGINT)
        out, _err = process.communicate(timeout=60)
    assert process.returncode == EXIT_OK
    assert "Stopping the demo's server." in out
