#!/usr/bin/env bash
# Vendor the compiled NHS.UK frontend (CSS, JS, icons) into tracker/static/nhsuk/.
#
# The pages must load nothing from another origin, so the @font-face rules that point
# at assets.nhs.uk are removed (the CSS falls back to Arial, as the design system
# intends when Frutiger is unavailable) and absolute /assets/ URLs are made relative.
# Keep NHSUK_FRONTEND_VERSION in step with nhsuk-frontend-jinja in requirements.txt.
set -euo pipefail

NHSUK_FRONTEND_VERSION="${NHSUK_FRONTEND_VERSION:-10.6.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tracker/static/nhsuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "nhsuk-frontend@${NHSUK_FRONTEND_VERSION}" >/dev/null && tar xzf nhsuk-frontend-*.tgz)
dist="$work/package/dist/nhsuk"

rm -rf "$dest"
mkdir -p "$dest/assets/images"
python3 - "$dist/nhsuk-frontend.min.css" "$dest/nhsuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace("url(/assets/", "url(assets/")
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
if re.search(r"url\((?:https?:)?//", css):
    sys.exit("the CSS still refers to another origin: update scripts/vendor-frontend.sh")
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
sed 's#//\# sourceMappingURL=.*$##' "$dist/nhsuk-frontend.min.js" > "$dest/nhsuk-frontend.min.js"
cp "$dist"/assets/images/* "$dest/assets/images/"
cp "$dist/assets/manifest.json" "$dest/assets/manifest.json"
printf "nhsuk-frontend %s, MIT licence, (c) NHS England. https://service-manual.nhs.uk\n" "$NHSUK_FRONTEND_VERSION" > "$dest/LICENCE.txt"
echo "$NHSUK_FRONTEND_VERSION" > "$dest/VERSION"
echo "Vendored nhsuk-frontend $NHSUK_FRONTEND_VERSION into tracker/static/nhsuk/"
