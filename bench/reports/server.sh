# Sourced by bench/reports/run.sh, during.sh and cold-worker.sh: the build of STEADY_REF they measure (build_ref), the
# server they start ($pid) and how it is stopped (TERM, then KILL after 10 s).
pid=""
stop() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    pid=""
}

# STEADY_REF's commit, exported and built (Release) once in BUILD_CACHE (/tmp/steady-builds/<commit>): sets $commit and $dll.
build_ref() {
    commit="$(git -C "$root" rev-parse --short "$STEADY_REF^{commit}")"
    local build="${BUILD_CACHE:-/tmp/steady-builds}/$commit"
    if [[ ! -f "$build/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll" ]]; then
        echo "building Steady $commit ($STEADY_REF, Release) in $build" >&2
        rm -rf "$build" && mkdir -p "$build"
        git -C "$root" archive --format=tar "$commit" | tar -x -C "$build"
        dotnet build "$build/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    fi
    dll="$build/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
}
