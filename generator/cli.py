"""Command line: argument parsing only; the work happens in build.py."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from . import __version__
from .build import BuildOptions, build, check, verify
from .errors import ContentErrors, display_path
from .load import REGISTRY_FILE
from .merge import merge
from .plan import Shard
from .render.site import SiteBuildError
from .text import nfc, slugify
from .write import OutputError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_DIFFERENT = 1  # verify: the output is not what the content builds
SCAFFOLDS = Path(__file__).parent / "scaffolds"
SKIPPABLE = ("print", "kit", "video", "audio")  # --skip: BuildOptions.skip_<part>
KIND_FOLDERS = {"guide": "guides", "faq": "faqs", "province": "provinces", "quiz": "quiz"}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="dvc", description="Build province guide sites from content/.")
    main.add_argument("--version", action="version", version=__version__)
    commands = main.add_subparsers(dest="command", required=True)

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
        command.add_argument("--config", type=Path, default=Path("site_config.yml"), help="site configuration file")

    def output_options(command: argparse.ArgumentParser, out: str, province: str, skip: str) -> None:
        command.add_argument("--out", type=Path, default=Path("site"), help=out)
        command.add_argument("--province", metavar="SLUG", help=province)
        command.add_argument("--skip", choices=SKIPPABLE, action="append", default=[], help=skip)
        command.add_argument(
            "--only", choices=["site"], help="pages, pictures, QR codes and short links (= --skip print --skip kit)"
        )
        command.add_argument("--jobs", type=jobs, default=0, metavar="N", help="processes to use (default: all cores)")
        command.add_argument(
            "--shard",
            type=shard,
            metavar="I/N",
            help="build only share I of N of the provinces (1/N also holds the national page); join with merge",
        )

    build_cmd = commands.add_parser("build", help="validate content and build the sites")
    content_options(build_cmd)
    output_options(
        build_cmd,
        "output folder (default: site)",
        "build only this province (and the national page)",
        "leave out part of the output for a quick build, not for publishing: print (every PDF), kit (the "
        "campaign kit's scripts, posts, audio, videos and zip), video, audio; repeat for several",
    )
    build_cmd.add_argument(
        "--no-cache", action="store_true", help="render every PDF again instead of reusing unchanged ones from .cache/"
    )

    verify_cmd = commands.add_parser(
        "verify", help="rebuild into a temporary folder and report every file that differs from --out"
    )
    content_options(verify_cmd)
    output_options(
        verify_cmd,
        "output to check (default: site)",
        "as given to build, when --out holds one province",
        "as given to build, for a preview output",
    )
    verify_cmd.add_argument(
        "--cache", action="store_true", help="reuse PDFs and pictures from .cache/ (faster; misses a stale cache)"
    )

    merge_cmd = commands.add_parser("merge", help="join the outputs of build --shard 1/N ... N/N into one output")
    merge_cmd.add_argument("shards", type=Path, nargs="+", help="the shards' output folders")
    merge_cmd.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")

    check_cmd = commands.add_parser("check", help="validate content only")
    content_options(check_cmd)

    serve_cmd = commands.add_parser("serve", help="preview with live reload while editing")
    content_options(serve_cmd)
    serve_cmd.add_argument("--province", metavar="SLUG", help="preview only this province")
    serve_cmd.add_argument(
        "--print", action="store_true", help="make the PDFs too (slower after an edit; pages and pictures always)"
    )
    serve_cmd.add_argument(
        "--kit", action="store_true", help="make the campaign kit too (scripts, posts, audio; videos are slow)"
    )
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)

    new_cmd = commands.add_parser("new", help="create a content file that passes check")
    new_cmd.add_argument("kind", choices=sorted(KIND_FOLDERS))
    new_cmd.add_argument("title", help="title or name, e.g. 'Đăng ký tạm trú'")
    new_cmd.add_argument("--slug", help="file and URL name (default: made from the title)")
    new_cmd.add_argument("--content", type=Path, default=Path("content"))

    schema_cmd = commands.add_parser("schema", help="write JSON Schema files of the content model for editors")
    schema_cmd.add_argument("--out", type=Path, default=Path("schemas"), help="folder (default: schemas)")
    return main


def jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of processes (0 for all cores), not {text!r}")
    return int(text)


def shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ContentErrors as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_CONTENT
    except (SiteBuildError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT


def skipped(args) -> dict[str, bool]:
    """BuildOptions' skip_* flags from --skip and --only."""
    skip = set(args.skip) | ({"print", "kit"} if args.only == "site" else set())
    return {f"skip_{part}": part in skip for part in SKIPPABLE}


def run_build(args) -> int:
    options = BuildOptions(
        content=args.content,
        config=args.config,
        out=args.out,
        province=args.province,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        shard=args.shard,
        **skipped(args),
    )
    report = build(options)
    print(
        f"Built {report.pages} pages and {report.pdfs} PDFs ({report.files} files) into {display_path(args.out)} "
        f"in {report.seconds:.1f} s ({report.sites_built} of {report.sites} sites, {report.pdfs_rendered} PDF layouts "
        f"and {report.images_rendered} pictures made anew, the rest unchanged)"
    )
    return EXIT_OK


def run_verify(args) -> int:
    options = BuildOptions(
        content=args.content,
        config=args.config,
        out=args.out,
        province=args.province,
        use_cache=args.cache,
        jobs=args.jobs,
        shard=args.shard,
        **skipped(args),
    )
    report = verify(options)
    out = display_path(args.out)
    for difference in report.differences:
        print(f"{difference.problem:8} {difference.path}: {difference.detail}")
    if report.unrecorded_codes:
        registry = display_path(args.content / REGISTRY_FILE)
        print(
            f"{len(report.unrecorded_codes)} short code(s) the content needs are not in {registry} "
            f"({', '.join(report.unrecorded_codes)}); verify does not record them: run build, then commit {registry}"
        )
    if report.identical:
        print(f"{out}/ matches a fresh build byte for byte ({report.files} files)")
        return EXIT_OK
    if report.differences:
        print(f"{len(report.differences)} of {report.files} files in {out}/ differ from a fresh build")
    return EXIT_DIFFERENT


def run_merge(args) -> int:
    files = merge(args.shards, args.out)
    print(f"Merged {len(args.shards)} shards ({files} files) into {display_path(args.out)}")
    return EXIT_OK


def run_check(args) -> int:
    site = check(BuildOptions(content=args.content, config=args.config))
    faqs = sum(len(g.entries) for g in site.faq_groups) + sum(len(g.faqs) for g in site.guides)
    print(f"Content OK: {len(site.provinces)} provinces, {len(site.guides)} guides, {faqs} FAQs")
    return EXIT_OK


def run_serve(args) -> int:
    from .render.site import serve_folder

    out = Path(tempfile.mkdtemp(prefix="dvc-serve-")) / "site"
    options = BuildOptions(
        content=args.content,
        config=args.config,
        out=out,
        province=args.province,
        skip_print=not args.print,
        skip_kit=not args.kit,
        tidy_later=True,
    )

    def rebuild() -> None:
        try:
            build(options)
        except (ContentErrors, SiteBuildError, OutputError) as exc:
            # The previous preview stays up; the author fixes the file and saves again.
            print(exc.report() if isinstance(exc, ContentErrors) else exc, file=sys.stderr)

    build(options)
    print(f"Serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr)
    watched = [args.content, args.config, options.theme]
    serve_folder(out, rebuild, [p.resolve() for p in watched], args.host, args.port)
    return EXIT_OK


def run_new(args) -> int:
    slug = args.slug or slugify(args.title)
    folder = args.content / KIND_FOLDERS[args.kind]
    target = folder / f"{slug}.yml"
    if target.exists():
        print(f"error: {display_path(target)} already exists", file=sys.stderr)
        return EXIT_USAGE
    template = (SCAFFOLDS / f"{args.kind}.yml").read_text(encoding="utf-8")
    text = template.replace("{slug}", slug).replace("{title}", json.dumps(nfc(args.title), ensure_ascii=False))
    text = text.replace("{today}", dt.date.today().isoformat())
    guides = sorted((args.content / KIND_FOLDERS["guide"]).glob("*.yml"))
    text = text.replace("{guide}", guides[0].stem if guides else "dang-nhap-vneid")  # a quiz question's guide
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"Created {display_path(target)}")
    return EXIT_OK


def run_schema(args) -> int:
    from .schema import export_schemas

    for path in export_schemas(args.out):
        print(f"Wrote {display_path(path)}")
    return EXIT_OK


COMMANDS = {
    "build": run_build,
    "verify": run_verify,
    "merge": run_merge,
    "check": run_check,
    "serve": run_serve,
    "new": run_new,
    "schema": run_schema,
}
