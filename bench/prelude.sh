# Shared start of the bench scripts (sourced): installs what `need` lists plus libgit2 when
# missing (as root), builds the release binary into $bin, starts an empty work folder $out
# and enters it, and fixes the clock and the identity so every run writes the same ledger.
pkg-config --exists libgit2 2>/dev/null || need+=(libgit2-dev)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
(cd "$root" && swift build -c release --product duetrail 2>&1 | tail -1)
bin=$root/.build/release/duetrail
rm -rf "$out" && mkdir -p "$out"
cd "$out"
export DUETRAIL_NOW=2026-11-30T09:00:00Z DUETRAIL_TODAY=2026-11-30
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.test GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.test
