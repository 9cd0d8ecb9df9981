#!/usr/bin/env bash
# The Debian package (cpack -G DEB): its files, its control fields and maintainer scripts, and
# that the binary it carries runs. Usage: package_test.sh BUILD_DIR
set -u
build="$1"
# shellcheck source=../cli/lib.sh
source "$(dirname "$0")/../cli/lib.sh"

(cd "$build" && cpack -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1)
code=$?
check "cpack -G DEB builds the package (exit $code)" test "$code" -eq 0
deb=$(ls "$tmp"/pkg/*.deb 2>/dev/null | head -1)
check "  a .deb file ($deb)" test -f "$deb"
dpkg-deb --contents "$deb" >"$tmp/contents"
for f in ./usr/bin/switchboard ./usr/lib/systemd/system/switchboard.service \
         ./etc/switchboard/switchboard.toml ./usr/share/doc/switchboard/operations.md; do
  check "the package holds $f" grep -q " $f\$" "$tmp/contents"
done
dpkg-deb --info "$deb" >"$tmp/info"
check "it depends on the libraries it links (libsqlite3, libpq)" \
  grep -qE "Depends:.*libsqlite3.*|Depends:.*libpq" "$tmp/info"
check "it depends on adduser" grep -q "adduser" "$tmp/info"
check "its postinst creates the system user" grep -q "postinst" "$tmp/info"
dpkg-deb --ctrl-tarfile "$deb" | tar -x -O ./conffiles >"$tmp/conffiles" 2>/dev/null
check "the configuration is a conffile (kept on upgrade)" \
  grep -q "^/etc/switchboard/switchboard.toml$" "$tmp/conffiles"
mkdir -p "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/switchboard" check-config "$tmp/root/etc/switchboard/switchboard.toml" \
  >"$tmp/cc" 2>&1
check "the packaged binary checks the packaged configuration" grep -q "OK" "$tmp/cc"
check "the unit runs serve without a stdin front end" \
  grep -q "^ExecStart=/usr/bin/switchboard serve /etc/switchboard/switchboard.toml --control none" \
  "$tmp/root/usr/lib/systemd/system/switchboard.service"
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/usr/bin/switchboard|$tmp/root/usr/bin/switchboard|g" \
    "$tmp/root/usr/lib/systemd/system/switchboard.service" >"$tmp/switchboard.service"
  systemd-analyze verify "$tmp/switchboard.service" >"$tmp/verify" 2>&1
  check "systemd-analyze accepts the unit" test "$(grep -c -i "error\|invalid" "$tmp/verify")" -eq 0
fi
exit $fail
