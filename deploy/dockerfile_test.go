package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerfile returns the repository's Dockerfile with continued lines joined.
func dockerfile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(data), "\\\n", " ")
}

// dockerHealthcheck returns the exec-form command of the Dockerfile's
// HEALTHCHECK.
func dockerHealthcheck(t *testing.T) []string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^HEALTHCHECK .*?CMD (\[.*\])\s*$`).FindStringSubmatch(dockerfile(t))
	if m == nil {
		t.Fatal("the Dockerfile has no exec-form HEALTHCHECK ... CMD [...]")
	}
	var cmd []string
	if err := json.Unmarshal([]byte(m[1]), &cmd); err != nil {
		t.Fatalf("HEALTHCHECK CMD %s: %v", m[1], err)
	}
	return cmd
}

// The image: distroless static and non-root, a health check through
// `shipsync health`, and the OCI labels filled from build arguments.
func TestDockerfile(t *testing.T) {
	d := dockerfile(t)
	if got := dockerHealthcheck(t); strings.Join(got, " ") != "/usr/local/bin/shipsync health" {
		t.Errorf("HEALTHCHECK runs %v, want /usr/local/bin/shipsync health", got)
	}
	stages := strings.Split(d, "\nFROM ")
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") || !strings.Contains(final, ":nonroot") ||
		!regexp.MustCompile(`(?m)^USER nonroot`).MatchString(final) {
		t.Errorf("the final stage is not distroless static, non-root:\nFROM %s", final)
	}
	for _, label := range []string{"source", "revision", "version", "created"} {
		re := regexp.MustCompile(`org\.opencontainers\.image\.` + label + `="\$\{([A-Z]+)\}"`)
		m := re.FindStringSubmatch(final)
		if m == nil {
			t.Errorf("no label org.opencontainers.image.%s from a build argument", label)
			continue
		}
		if !regexp.MustCompile(`(?m)^ARG ` + m[1] + `\b`).MatchString(final) {
			t.Errorf("label %s uses ${%s}, which the final stage does not declare with ARG", label, m[1])
		}
	}
	if !strings.Contains(d, "CGO_ENABLED=0 go build -trimpath") {
		t.Error("the binary is not built static with CGO_ENABLED=0 and -trimpath")
	}
	// .git is not in the build context (.dockerignore), so `shipsync
	// version` and shipsync_build_info know the build only from -ldflags.
	build := stages[len(stages)-2]
	for _, v := range []struct{ variable, arg string }{{"version", "VERSION"}, {"revision", "REVISION"}} {
		if !strings.Contains(build, "-X main."+v.variable+"=${"+v.arg+"}") || !regexp.MustCompile(`(?m)^ARG `+v.arg+`\b`).MatchString(build) {
			t.Errorf("the build stage does not set main.%s from the build argument %s", v.variable, v.arg)
		}
	}
}
