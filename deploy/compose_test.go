package deploy

import (
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// compose is the part of the Compose specification compose.yaml uses,
// decoded strictly: a field this test does not know is an error, so the file
// grows only with what is checked here. Docker is not run by CI.
type compose struct {
	Name     string                    `json:"name"`
	Services map[string]composeService `json:"services"`
	Secrets  map[string]struct {
		File string `json:"file"`
	} `json:"secrets"`
	Volumes map[string]*struct{} `json:"volumes"`
}

// composeService is one service of compose.yaml.
type composeService struct {
	Build *struct {
		Context    string `json:"context"`
		Dockerfile string `json:"dockerfile"`
	} `json:"build"`
	Image           string   `json:"image"`
	Command         []string `json:"command"`
	Restart         string   `json:"restart"`
	ReadOnly        bool     `json:"read_only"`
	User            string   `json:"user"`
	SecurityOpt     []string `json:"security_opt"`
	CapDrop         []string `json:"cap_drop"`
	StopGracePeriod string   `json:"stop_grace_period"`
	// DependsOn is a list of services, or a map of service to condition.
	DependsOn   any               `json:"depends_on"`
	Ports       []string          `json:"ports"`
	Environment map[string]string `json:"environment"`
	Secrets     []string          `json:"secrets"`
	Volumes     []string          `json:"volumes"`
	Healthcheck *struct {
		Test        []string `json:"test"`
		Interval    string   `json:"interval"`
		Timeout     string   `json:"timeout"`
		StartPeriod string   `json:"start_period"`
		Retries     int      `json:"retries"`
	} `json:"healthcheck"`
}

// loadCompose decodes compose.yaml strictly.
func loadCompose(t *testing.T) compose {
	t.Helper()
	var c compose
	readStrict(t, "compose.yaml", &c)
	return c
}

// dependsOn returns the services s waits for, with their conditions ("" for
// the short form).
func dependsOn(s composeService) map[string]string {
	deps := map[string]string{}
	switch d := s.DependsOn.(type) {
	case []any:
		for _, name := range d {
			deps[name.(string)] = ""
		}
	case map[string]any:
		for name, spec := range d {
			cond, _ := spec.(map[string]any)["condition"].(string)
			deps[name] = cond
		}
	}
	return deps
}

// shipsync, Redis and Prometheus, each with a health check; shipsync's is
// the image's `shipsync health`, and it waits for a healthy Redis.
func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	if names := slices.Sorted(maps.Keys(c.Services)); !slices.Equal(names, []string{"prometheus", "redis", "shipsync"}) {
		t.Fatalf("compose services = %v, want prometheus, redis, shipsync", names)
	}
	for n, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || s.Healthcheck.Test[0] != "CMD" || s.Restart == "" {
			t.Fatalf("service %s: health check %+v, restart %q; want an exec-form test and a restart policy", n, s.Healthcheck, s.Restart)
		}
	}
	ss := c.Services["shipsync"]
	if got, want := ss.Healthcheck.Test[1:], dockerHealthcheck(t); !slices.Equal(got, want) {
		t.Errorf("shipsync health check %v, want the Dockerfile's %v", got, want)
	}
	if ss.Build == nil || filepath.Clean(filepath.Join(ss.Build.Context, ss.Build.Dockerfile)) != filepath.Join("..", "Dockerfile") {
		t.Errorf("shipsync build %+v, want the repository's Dockerfile", ss.Build)
	}
	if dependsOn(ss)["redis"] != "service_healthy" {
		t.Errorf("shipsync depends_on %v, want redis: service_healthy", dependsOn(ss))
	}
	checkComposeSecurity(t, ss)
}

// checkComposeSecurity fails unless s is read-only, non-root and without
// capabilities.
func checkComposeSecurity(t *testing.T, s composeService) {
	t.Helper()
	if !s.ReadOnly || !slices.Equal(s.CapDrop, []string{"ALL"}) || s.User == "" || strings.HasPrefix(s.User, "0") {
		t.Errorf("shipsync: read_only %v, cap_drop %v, user %q; want a read-only non-root container without capabilities", s.ReadOnly, s.CapDrop, s.User)
	}
}

// Redis persists to an append-only file, fsynced every second, on a named
// volume.
func TestComposeRedisPersistence(t *testing.T) {
	c := loadCompose(t)
	r := c.Services["redis"]
	checkRedisCommand(t, "compose redis", r.Command)
	if !namedVolumeAt(c, r, "/data") {
		t.Errorf("redis volumes %v: want a named volume at /data", r.Volumes)
	}
}

// namedVolumeAt reports whether s mounts a volume declared in c at dir.
func namedVolumeAt(c compose, s composeService, dir string) bool {
	for _, v := range s.Volumes {
		name, target, _ := strings.Cut(v, ":")
		if _, ok := c.Volumes[name]; ok && strings.TrimSuffix(target, ":rw") == dir {
			return true
		}
	}
	return false
}

// Secrets arrive as NAME_FILE from compose secrets; REDIS_URL may be plain
// only when it carries no password; every variable is a declared one.
func TestComposeSecretsArriveAsFiles(t *testing.T) {
	vars := variables(t)
	c := loadCompose(t)
	ss := c.Services["shipsync"]
	for name, value := range ss.Environment {
		checkComposeEnv(t, vars, c, name, value)
	}
	for _, v := range vars {
		_, plain := ss.Environment[v.Name]
		_, file := ss.Environment[v.Name+"_FILE"]
		if plain && file || v.Required && !plain && !file {
			t.Errorf("%s: set %v, %s_FILE set %v; want exactly one when required, at most one otherwise", v.Name, plain, v.Name, file)
		}
	}
	for name, s := range c.Secrets {
		if path.Dir(path.Clean(s.File)) != "secrets" {
			t.Errorf("secret %s from %s, want a file of deploy/secrets (ignored by git and docker)", name, s.File)
		}
	}
	ignored, err := os.ReadFile(".gitignore")
	if err != nil || !strings.Contains(string(ignored), "secrets/") {
		t.Errorf("deploy/.gitignore does not ignore secrets/: %v", err)
	}
}

// checkComposeEnv fails unless name is a declared variable, not a secret
// given as a value (but a REDIS_URL without credentials), and, as NAME_FILE,
// a compose secret given to shipsync.
func checkComposeEnv(t *testing.T, vars map[string]variable, c compose, name, value string) {
	t.Helper()
	switch {
	case !declared(vars, name):
		t.Errorf("shipsync environment sets %s, which is no variable", name)
	case name == "REDIS_URL" && credentialsInURL.MatchString(value):
		t.Errorf("REDIS_URL carries credentials; give it as REDIS_URL_FILE")
	case vars[name].Secret && name != "REDIS_URL":
		t.Errorf("secret %s is a plain variable; want %s_FILE", name, name)
	case strings.HasSuffix(name, "_FILE"):
		secret, ok := strings.CutPrefix(value, "/run/secrets/")
		if !ok || !slices.Contains(c.Services["shipsync"].Secrets, secret) || c.Secrets[secret].File == "" {
			t.Errorf("%s = %q is not a secret given to shipsync", name, value)
		}
	}
}

// Prometheus mounts the folder of prometheus.yml and alerts.yml and scrapes
// shipsync on the port it listens on.
func TestComposePrometheus(t *testing.T) {
	c := loadCompose(t)
	p := c.Services["prometheus"]
	if !slices.Contains(p.Volumes, "./prometheus:/etc/prometheus:ro") || !namedVolumeAt(c, p, "/prometheus") {
		t.Errorf("prometheus volumes %v, want ./prometheus at /etc/prometheus and a named volume at /prometheus", p.Volumes)
	}
	if !slices.Contains(p.Command, "--config.file=/etc/prometheus/prometheus.yml") {
		t.Errorf("prometheus command %v, want --config.file=/etc/prometheus/prometheus.yml", p.Command)
	}
	var cfg struct {
		Global struct {
			ScrapeInterval     string `json:"scrape_interval"`
			EvaluationInterval string `json:"evaluation_interval"`
		} `json:"global"`
		RuleFiles     []string `json:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `json:"job_name"`
			StaticConfigs []struct {
				Targets []string `json:"targets"`
			} `json:"static_configs"`
		} `json:"scrape_configs"`
	}
	readStrict(t, filepath.Join("prometheus", "prometheus.yml"), &cfg)
	if !slices.Equal(cfg.RuleFiles, []string{"alerts.yml"}) {
		t.Errorf("prometheus.yml rule_files = %v, want alerts.yml", cfg.RuleFiles)
	}
	_, port, _ := strings.Cut(c.Services["shipsync"].Environment["HTTP_ADDR"], ":")
	want := "shipsync:" + port
	found := false
	for _, sc := range cfg.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			found = found || (sc.JobName == "shipsync" && slices.Contains(st.Targets, want))
		}
	}
	if !found {
		t.Errorf("prometheus.yml does not scrape %s in a job named shipsync (the alert rules' job)", want)
	}
}
