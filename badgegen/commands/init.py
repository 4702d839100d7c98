"""`badgegen init`: a starting rooms.yaml and Pages workflow in a user's repository."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from badgegen import DISTRIBUTION
from badgegen.errors import ConfigError

FILES = {
    "rooms.yaml": "data/init/rooms.yaml",
    ".github/workflows/badges.yml": "data/init/badges.yml",
}
# Where a starting file names the version of badgegen that wrote it.
VERSION_MARK = b"@BADGEGEN_VERSION@"
# The commented base_url line of the starting rooms.yaml, set when the Pages address is known.
BASE_URL_LINE = b"# base_url: https://YOUR-NAME.github.io/YOUR-PROJECT"
# Its commented site: block, filled in when the repository is on GitHub.
SITE_LINES = b"""\
# site:
#   title: Our group chats
#   description: Where the project talks; everyone is welcome.
#   link: https://github.com/YOUR-NAME/YOUR-PROJECT
"""
MAX_GIT_CONFIG_BYTES = 256 * 1024
GITIGNORE, OUTPUT = ".gitignore", "public"  # the workflow's --out
IGNORE_OUTPUT = (
    f"\n# badgegen's output: the workflow publishes it, git need not keep it\n/{OUTPUT}/\n"
)
EXAMPLE_ROOMS = b"rooms:\n  - lobby@conference.example.org\n"
DISCOVER_ENTRY = b"""\
# Every public room SERVICE lists gets a badge, and index.html becomes their
# directory; `badgegen discover SERVICE` shows what it finds. A room also listed
# under `rooms:` takes its settings from there.
discover:
  - service: SERVICE
    # min_occupants: 1          # only rooms that have had someone in them
    # exclude: ["test-*@*"]     # globs on room JIDs; include: likewise
    # limit: 1000               # at most this many rooms (the default)
"""
# Blanks, not \s, before `url`: a run of empty lines costs one pass, not a pass per line.
_ORIGIN = re.compile(
    r'^\[remote "origin"\][^\[]*?^[ \t]*url[ \t]*=[ \t]*(\S+)', re.MULTILINE | re.DOTALL
)
# The host of a remote URL: https://HOST/..., ssh://git@HOST/..., git@HOST:...
_HOST = re.compile(r"(?:[a-z+]+://)?(?:[^@/]*@)?([^/:]+)", re.IGNORECASE)
_GITHUB = re.compile(
    r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"([A-Za-z0-9-]{1,39})/([A-Za-z0-9._-]{1,100}?)(?:\.git)?/?"
)


@dataclass(frozen=True, slots=True)
class InitRequest:
    """A repository to set up; the command line's defaults are these."""

    folder: Path = Path()
    service: str | None = None  # a MUC service whose public rooms to badge (`discover:`)


@dataclass(frozen=True, slots=True)
class Scaffolded:
    """What init did: each file created or kept, and where GitHub Pages will publish."""

    files: list[tuple[str, bool]]
    pages_url: str | None  # from the origin remote on github.com; None when not known
    service: str | None = None  # the MUC service under `discover:`, normalised
    ignored: str = ""  # what was done to .gitignore: "created", "added to", "left alone", ""
    gitlab: bool = False  # the origin remote is a GitLab: only rooms.yaml was scaffolded

    @property
    def rooms_yaml_created(self) -> bool:
        return dict(self.files).get("rooms.yaml", False)


def init(request: InitRequest) -> Scaffolded:
    """Start a rooms.yaml and the workflow in request.folder, pinned to this badgegen.

    Raises:
        ConfigError: the service is no domain, or this badgegen is no released version.
        PublishError: a file could not be written.
    """
    import badgegen
    from badgegen.commands.discover import muc_service

    service = muc_service(request.service) if request.service else None
    return scaffold(request.folder, badgegen.__version__, service)


def scaffold(folder: Path, version: str, discover: str | None = None) -> Scaffolded:
    """Create each starting file that does not exist yet; never overwrite one.

    When the folder is a clone of a GitHub repository, the new rooms.yaml has
    base_url set to the repository's GitHub Pages address.

    Args:
        folder: the repository's root.
        version: the version the workflow installs (exactly this one).
        discover: a MUC service (a checked domain) whose public rooms the new
            rooms.yaml badges, under `discover:`, instead of an example room.
    """
    # Imported here: the command line reads InitRequest's defaults for --help.
    from importlib import resources

    from badgegen.publish import create_new

    pin = _release_version(version).encode()
    origin = origin_url(folder)  # .git/config read once
    repository = github_repository(origin)
    pages, gitlab = pages_address(repository), repository is None and is_gitlab(origin)
    created = []
    for target, source in FILES.items():
        if gitlab and target != "rooms.yaml":
            continue  # a GitHub workflow in a GitLab repository would only mislead
        content = resources.files("badgegen").joinpath(source).read_bytes()
        content = content.replace(VERSION_MARK, pin)
        if pages:
            content = content.replace(BASE_URL_LINE, b"base_url: " + pages.encode())
        if repository:
            content = content.replace(SITE_LINES, site_lines(*repository))
        if discover:
            quoted = json.dumps(discover).encode()  # YAML reads JSON: "[::1]" stays text
            entry = DISCOVER_ENTRY.replace(b"service: SERVICE", b"service: " + quoted)
            content = content.replace(EXAMPLE_ROOMS, entry.replace(b"SERVICE", discover.encode()))
        # Never through a link inside the repository (.github -> elsewhere): kept as it is.
        linked = _through_a_link(folder, target)
        created.append((target, not linked and create_new(folder / target, content)))
    return Scaffolded(created, pages, discover, ignore_output(folder), gitlab)


def _through_a_link(folder: Path, target: str) -> bool:
    """Whether a folder on target's way inside the repository is a symbolic link."""
    parts = Path(target).parts[:-1]
    return any((folder.joinpath(*parts[: depth + 1])).is_symlink() for depth in range(len(parts)))


def ignore_output(folder: Path) -> str:
    """Have git ignore the output folder (the workflow publishes it; committed, every run
    would dirty the repository): "created" .gitignore, "added to" it, "" when it ignores
    the folder already, or "left alone" when it is no file init may change (a link, not
    UTF-8 text, too large)."""
    from badgegen.publish import create_new, write_atomic
    from badgegen.reading import read_bounded

    path = folder / GITIGNORE
    if not path.exists() and not path.is_symlink():
        return "created" if create_new(path, IGNORE_OUTPUT.lstrip("\n").encode()) else ""
    if path.is_symlink() or not path.is_file():
        return "left alone"
    try:
        text = read_bounded(path, MAX_GIT_CONFIG_BYTES).decode("utf-8")
    except (OSError, ValueError):
        return "left alone"
    # As git reads it: lines end at \n only, trailing blanks do not count, leading ones do.
    patterns = (line.rstrip(" \t\r").strip("/").removesuffix("/*") for line in text.split("\n"))
    if OUTPUT in patterns:
        return ""
    separator = "" if not text or text.endswith("\n") else "\n"
    write_atomic(path, (text + separator + IGNORE_OUTPUT).encode())
    return "added to"


def is_gitlab(url: str | None) -> bool:
    """Whether a remote URL is on GitLab: gitlab.com, or a host named gitlab.* (self-hosted)."""
    found = _HOST.match(url) if url else None
    host = found.group(1).lower() if found else ""
    return host == "gitlab.com" or host.startswith("gitlab.")


def origin_url(folder: Path) -> str | None:
    """The URL of the origin remote of the repository in folder, if any."""
    from badgegen.reading import read_bounded

    try:
        text = read_bounded(folder / ".git" / "config", MAX_GIT_CONFIG_BYTES).decode("utf-8")
    except (OSError, ValueError):
        return None
    origin = _ORIGIN.search(text)
    return origin.group(1) if origin else None


def github_repository(origin: str | None) -> tuple[str, str] | None:
    """(owner, repository) when the origin remote's URL is a github.com repository's."""
    found = _GITHUB.fullmatch(origin) if origin else None
    if not found or found.group(2) in (".", ".."):
        return None
    return found.group(1), found.group(2)


def site_lines(owner: str, repository: str) -> bytes:
    """rooms.yaml's `site:`, filled in from the GitHub repository."""
    title = json.dumps(f"{repository} group chats")  # YAML reads JSON
    link = f"https://github.com/{owner}/{repository}"
    return f"site:\n  title: {title}\n  link: {link}\n".encode()


def pages_url(folder: Path) -> str | None:
    """Where GitHub Pages publishes the repository in folder, from its origin remote.

    https://OWNER.github.io/REPO, or https://OWNER.github.io for the OWNER.github.io
    repository; None when folder is not a clone of a github.com repository.
    """
    return pages_address(github_repository(origin_url(folder)))


def pages_address(found: tuple[str, str] | None) -> str | None:
    """Where GitHub Pages publishes (owner, repository); None for no GitHub repository."""
    if not found:
        return None
    owner, repository = found[0].lower(), found[1]
    site = f"https://{owner}.github.io"
    return site if repository.lower() == f"{owner}.github.io" else f"{site}/{repository}"


def _release_version(version: str) -> str:
    """The version to pin, refused when PyPI cannot have it (a local version such as 0+unknown)."""
    if "+" in version:
        raise ConfigError(
            [
                f"cannot pin the workflow to badgegen {version}: it is not a released version"
                f" (install {DISTRIBUTION} from PyPI, or from a checkout with pip install .)"
            ]
        )
    return version
