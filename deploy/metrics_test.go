package deploy

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// declaredName matches a collector's name in the product's Go source.
var declaredName = regexp.MustCompile(`Name:\s*"(shipsync_[a-z0-9_]+)"`)

// usedName matches a shipsync metric in a PromQL expression.
var usedName = regexp.MustCompile(`\bshipsync_[a-z0-9_]+`)

// productMetrics returns every metric name the product module declares
// (Name: "shipsync_..." in a non-test Go file outside deploy/).
func productMetrics(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == filepath.Join("..", "deploy") || strings.HasPrefix(d.Name(), ".")) && p != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range declaredName.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"shipsync_runs_total", "shipsync_dead_letters", "shipsync_breaker_state"} {
		if !names[want] {
			t.Fatalf("found no declaration of %s in the product: %v", want, names)
		}
	}
	return names
}

// checkNames fails for every shipsync metric in expr that the product does
// not export (a histogram's _bucket, _sum and _count count as its own).
func checkNames(t *testing.T, where, expr string, known map[string]bool) []string {
	t.Helper()
	var used []string
	for _, name := range usedName.FindAllString(expr, -1) {
		base := name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(name, suffix); ok && known[b] {
				base = b
			}
		}
		if !known[base] {
			t.Errorf("%s uses %s, which shipsync does not export", where, name)
		}
		used = append(used, base)
	}
	return used
}

// rules is the part of a Prometheus rules file the checks read.
type rules struct {
	Groups []struct {
		Name  string `json:"name"`
		Rules []struct {
			Alert       string            `json:"alert"`
			Record      string            `json:"record"`
			Expr        string            `json:"expr"`
			For         string            `json:"for"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"rules"`
	} `json:"groups"`
}

// Every alert queries metrics shipsync exports, has a severity and a
// summary, and the kit covers each thing an operator must hear about.
func TestAlertRules(t *testing.T) {
	known := productMetrics(t)
	var r rules
	readStrict(t, filepath.Join("prometheus", "alerts.yml"), &r)
	alerts := map[string]bool{}
	for _, g := range r.Groups {
		for _, rule := range g.Rules {
			checkNames(t, "alert "+rule.Alert, rule.Expr, known)
			alerts[rule.Alert] = true
			if s := rule.Labels["severity"]; s != "warning" && s != "critical" {
				t.Errorf("alert %s: severity %q, want warning or critical", rule.Alert, s)
			}
			if rule.Annotations["summary"] == "" || rule.Annotations["description"] == "" {
				t.Errorf("alert %s has no summary or description", rule.Alert)
			}
		}
	}
	for _, want := range []string{"ShipsyncDeadLetters", "ShipsyncDrift", "ShipsyncCursorLag", "ShipsyncBreakerOpen",
		"ShipsyncNotReady", "ShipsyncDown", "ShipsyncAllDown", "ShipsyncNoRecentSuccess", "ShipsyncRateLimited"} {
		if !alerts[want] {
			t.Errorf("alerts.yml has no alert %s", want)
		}
	}
	tests, err := os.ReadFile(filepath.Join("prometheus", "alerts_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for a := range alerts {
		if !strings.Contains(string(tests), "alertname: "+a+"\n        exp_alerts:\n          - exp_labels:") {
			t.Errorf("alerts_test.yml has no test in which %s fires", a)
		}
	}
}

// dashboard is the part of a Grafana dashboard the checks read.
type dashboard struct {
	Title  string  `json:"title"`
	UID    string  `json:"uid"`
	Panels []panel `json:"panels"`
}

// panel is one panel of a dashboard.
type panel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// grafanaVariables are the dashboard's variables and what they stand for
// when its queries are checked.
var grafanaVariables = strings.NewReplacer("$__rate_interval", "5m", "$job", "shipsync")

// The dashboard parses, queries only metrics shipsync exports, shows each
// one an operator needs, and every query is valid PromQL (promtool).
func TestGrafanaDashboard(t *testing.T) {
	known := productMetrics(t)
	data, err := os.ReadFile(filepath.Join("grafana", "shipsync.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("grafana/shipsync.json: %v", err)
	}
	if d.Title == "" || d.UID == "" {
		t.Errorf("dashboard title %q, uid %q", d.Title, d.UID)
	}
	used := map[string]bool{}
	ids := map[int]bool{}
	var records strings.Builder
	records.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q queries nothing", p.Title)
		}
		for _, target := range p.Targets {
			for _, name := range checkNames(t, "panel "+p.Title, target.Expr, known) {
				used[name] = true
			}
			expr, err := json.Marshal(grafanaVariables.Replace(target.Expr))
			if err != nil {
				t.Fatal(err)
			}
			records.WriteString("      - record: dashboard:query\n        expr: " + string(expr) + "\n")
		}
	}
	for _, want := range []string{"shipsync_runs_total", "shipsync_items_total", "shipsync_api_requests_total",
		"shipsync_shipstation_rate_limit_remaining", "shipsync_breaker_state", "shipsync_cursor_lag_seconds",
		"shipsync_dead_letters", "shipsync_drift_items", "shipsync_last_success_timestamp_seconds"} {
		if !used[want] {
			t.Errorf("the dashboard does not show %s", want)
		}
	}
	promtoolCheckRules(t, records.String())
}

// promtoolCheckRules runs `promtool check rules` on text, which parses every
// expression. CI (.ci/run) installs promtool.
func promtoolCheckRules(t *testing.T, text string) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatal("promtool is not installed (Debian: apt-get install prometheus); .ci/run installs it")
	}
	f := filepath.Join(t.TempDir(), "dashboard-queries.yml")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", f).CombinedOutput(); err != nil {
		t.Errorf("the dashboard's queries are not valid PromQL: %v\n%s", err, out)
	}
}
