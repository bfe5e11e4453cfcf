package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// manifests is every object of deploy/kubernetes, by kind, each decoded
// strictly into its Kubernetes API type.
type manifests struct {
	Deployments  []appsv1.Deployment
	StatefulSets []appsv1.StatefulSet
	Services     []corev1.Service
	ConfigMaps   []corev1.ConfigMap
	Secrets      []corev1.Secret
	PDBs         []policyv1.PodDisruptionBudget
	// Files maps each file's name to the kinds it holds.
	Files map[string][]string
}

// docSeparator splits a YAML stream into its documents.
var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// loadManifests decodes every .yaml file of deploy/kubernetes but the
// kustomization: an unknown field, a wrong type or an unknown kind fails.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in kubernetes/: %v", err)
	}
	m := manifests{Files: map[string][]string{}}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range docSeparator.Split(string(data), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			kind, err := m.decode([]byte(doc))
			if err != nil {
				t.Fatalf("%s, document %d: %v", f, i+1, err)
			}
			m.Files[filepath.Base(f)] = append(m.Files[filepath.Base(f)], kind)
		}
	}
	return m
}

// stripComments drops the YAML comment lines of doc.
func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decode decodes one document strictly by its apiVersion and kind and
// returns the kind.
func (m *manifests) decode(doc []byte) (string, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", fmt.Errorf("read apiVersion and kind: %w", err)
	}
	var err error
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		m.Deployments, err = decodeInto(doc, m.Deployments)
	case "apps/v1 StatefulSet":
		m.StatefulSets, err = decodeInto(doc, m.StatefulSets)
	case "v1 Service":
		m.Services, err = decodeInto(doc, m.Services)
	case "v1 ConfigMap":
		m.ConfigMaps, err = decodeInto(doc, m.ConfigMaps)
	case "v1 Secret":
		m.Secrets, err = decodeInto(doc, m.Secrets)
	case "policy/v1 PodDisruptionBudget":
		m.PDBs, err = decodeInto(doc, m.PDBs)
	default:
		return "", fmt.Errorf("unexpected object %s %s", tm.APIVersion, tm.Kind)
	}
	return tm.Kind, err
}

// decodeInto decodes doc strictly (unknown and duplicate fields are errors)
// and appends it to list.
func decodeInto[T any](doc []byte, list []T) ([]T, error) {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return list, fmt.Errorf("strict decoding: %w", err)
	}
	return append(list, v), nil
}

// only returns the one element of list, failing unless there is exactly one.
func only[T any](t *testing.T, what string, list []T) T {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("%d %s in kubernetes/, want 1", len(list), what)
	}
	return list[0]
}

// count shows a replica count that may be unset.
func count(n *int32) string {
	if n == nil {
		return "unset"
	}
	return fmt.Sprint(*n)
}

// selects fails unless selector selects podLabels.
func selects(t *testing.T, what string, selector *metav1.LabelSelector, podLabels map[string]string) {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		t.Fatalf("%s: selector: %v", what, err)
	}
	if s.Empty() || !s.Matches(labels.Set(podLabels)) {
		t.Errorf("%s: selector %v does not select the pods %v", what, s, podLabels)
	}
}

// The kit decodes into the Kubernetes API types with no unknown field, and
// kustomization.yaml applies every manifest but the example Secret.
func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	var k struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Labels     []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
		Resources []string `json:"resources"`
		Images    []struct {
			Name    string `json:"name"`
			NewName string `json:"newName"`
			NewTag  string `json:"newTag"`
		} `json:"images"`
	}
	data, err := os.ReadFile(filepath.Join("kubernetes", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	var want []string
	for f := range m.Files {
		if f != "secret.example.yaml" {
			want = append(want, f)
		}
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(k.Resources))
	if !slices.Equal(got, want) {
		t.Errorf("kustomization resources = %v, want every manifest but the example Secret: %v", got, want)
	}
	if !slices.Equal(m.Files["secret.example.yaml"], []string{"Secret"}) {
		t.Errorf("secret.example.yaml holds %v, want one Secret", m.Files["secret.example.yaml"])
	}
	if len(k.Images) != 1 || k.Images[0].Name != only(t, "Deployments", m.Deployments).Spec.Template.Spec.Containers[0].Image {
		t.Errorf("kustomization images %+v do not name the Deployment's image", k.Images)
	}
}

// shipsyncContainer returns the Deployment's shipsync container.
func shipsyncContainer(t *testing.T, d appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "shipsync" {
			return c
		}
	}
	t.Fatalf("Deployment %s has no container shipsync", d.Name)
	return corev1.Container{}
}

// Two replicas behind a PodDisruptionBudget, probes on /healthz and /readyz
// of the port HTTP_ADDR listens on, a grace period longer than
// SHUTDOWN_GRACE, and a Service for the metrics of every replica, ready or not.
func TestDeployment(t *testing.T) {
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("Deployment replicas = %s, want 2", count(d.Spec.Replicas))
	}
	pod := d.Spec.Template
	selects(t, "Deployment", d.Spec.Selector, pod.Labels)
	c := shipsyncContainer(t, d)
	cm := only(t, "ConfigMaps", m.ConfigMaps)
	_, port, ok := strings.Cut(cm.Data["HTTP_ADDR"], ":")
	if !ok {
		t.Fatalf("ConfigMap HTTP_ADDR = %q, want host:port", cm.Data["HTTP_ADDR"])
	}
	var http *corev1.ContainerPort
	for i, p := range c.Ports {
		if p.Name == "http" {
			http = &c.Ports[i]
		}
	}
	if http == nil || fmt.Sprint(http.ContainerPort) != port {
		t.Fatalf("container port http = %+v, want HTTP_ADDR's port %s", http, port)
	}
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s probe %+v, want an HTTP GET", p.name, p.probe)
			continue
		}
		g := p.probe.HTTPGet
		if g.Path != p.path || (g.Port.String() != "http" && g.Port.String() != port) {
			t.Errorf("%s probe GET %s on port %s, want %s on port http (%s)", p.name, g.Path, g.Port.String(), p.path, port)
		}
	}
	grace, err := time.ParseDuration(cm.Data["SHUTDOWN_GRACE"])
	if err != nil {
		t.Fatalf("ConfigMap SHUTDOWN_GRACE: %v", err)
	}
	if tg := pod.Spec.TerminationGracePeriodSeconds; tg == nil || time.Duration(*tg)*time.Second <= grace+5*time.Second {
		t.Errorf("terminationGracePeriodSeconds = %v, want more than SHUTDOWN_GRACE %s plus 5s to close", tg, grace)
	}

	pdb := only(t, "PodDisruptionBudgets", m.PDBs)
	selects(t, "PodDisruptionBudget", pdb.Spec.Selector, pod.Labels)
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("PodDisruptionBudget minAvailable = %v, want 1 of the 2 replicas", pdb.Spec.MinAvailable)
	}

	var metrics *corev1.Service
	for i, s := range m.Services {
		if labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(pod.Labels)) && len(s.Spec.Selector) > 0 {
			metrics = &m.Services[i]
		}
	}
	if metrics == nil {
		t.Fatal("no Service selects the shipsync pods")
	}
	if len(metrics.Spec.Ports) != 1 || metrics.Spec.Ports[0].TargetPort.String() != "http" || !metrics.Spec.PublishNotReadyAddresses {
		t.Errorf("Service %s: ports %+v, publishNotReadyAddresses %v; want the http port of every replica, ready or not",
			metrics.Name, metrics.Spec.Ports, metrics.Spec.PublishNotReadyAddresses)
	}
	if metrics.Annotations["prometheus.io/scrape"] != "true" || metrics.Annotations["prometheus.io/port"] != port {
		t.Errorf("Service %s annotations %v, want prometheus.io/scrape and port %s", metrics.Name, metrics.Annotations, port)
	}
}

// Non-root, no privilege escalation, no capability and a read-only root
// file system, for shipsync and for Redis.
func TestSecurityContexts(t *testing.T) {
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	r := only(t, "StatefulSets", m.StatefulSets)
	for _, pod := range []corev1.PodTemplateSpec{d.Spec.Template, r.Spec.Template} {
		ps := pod.Spec.SecurityContext
		if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser == 0 {
			t.Errorf("pod %v: securityContext %+v, want runAsNonRoot and a non-zero runAsUser", pod.Labels, ps)
		}
		if ps != nil && (ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault) {
			t.Errorf("pod %v: want the RuntimeDefault seccomp profile", pod.Labels)
		}
		if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
			t.Errorf("pod %v mounts a service account token it does not use", pod.Labels)
		}
		for _, c := range pod.Spec.Containers {
			s := c.SecurityContext
			if s == nil || s.ReadOnlyRootFilesystem == nil || !*s.ReadOnlyRootFilesystem ||
				s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation ||
				s.Capabilities == nil || !slices.Equal(s.Capabilities.Drop, []corev1.Capability{"ALL"}) {
				t.Errorf("container %s: securityContext %+v, want a read-only root, no escalation, every capability dropped", c.Name, s)
			}
			if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("container %s: want a memory request and limit", c.Name)
			}
		}
	}
}

// Every secret arrives as NAME_FILE, a file of the mounted Secret; no secret
// is a plain variable or in the ConfigMap; every required variable is given;
// every name is a declared variable.
func TestSecretsArriveAsFiles(t *testing.T) {
	vars := variables(t)
	m := loadManifests(t)
	d := only(t, "Deployments", m.Deployments)
	c := shipsyncContainer(t, d)
	cm := only(t, "ConfigMaps", m.ConfigMaps)
	secret := only(t, "Secrets", m.Secrets)

	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != cm.Name {
		t.Errorf("envFrom = %+v, want the ConfigMap %s", c.EnvFrom, cm.Name)
	}
	given := map[string]bool{}
	for name, value := range cm.Data {
		given[name] = true
		switch {
		case !declared(vars, name) || strings.HasSuffix(name, "_FILE"):
			t.Errorf("ConfigMap sets %s, which is no variable", name)
		case vars[name].Secret:
			t.Errorf("ConfigMap holds the secret %s", name)
		case regexp.MustCompile(`://[^/\s]*@`).MatchString(value):
			t.Errorf("ConfigMap %s holds credentials in a URL", name)
		}
	}
	// The files of the Secret volume, by mount path.
	files := map[string]string{} // path -> key of the Secret
	for _, vm := range c.VolumeMounts {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Name == vm.Name && v.Secret != nil && v.Secret.SecretName == secret.Name {
				if !vm.ReadOnly {
					t.Errorf("the Secret is mounted writable at %s", vm.MountPath)
				}
				for key := range secret.StringData {
					files[path.Join(vm.MountPath, key)] = key
				}
			}
		}
	}
	for _, e := range c.Env {
		given[e.Name] = true
		isFile := strings.HasSuffix(e.Name, "_FILE")
		switch {
		case !declared(vars, e.Name):
			t.Errorf("env %s is no variable", e.Name)
		case vars[e.Name].Secret:
			t.Errorf("secret %s is a plain variable; want %s_FILE", e.Name, e.Name)
		case isFile && files[e.Value] == "":
			t.Errorf("%s = %q is no file of the Secret %s", e.Name, e.Value, secret.Name)
		}
		if e.ValueFrom != nil {
			t.Errorf("env %s comes from valueFrom; want secrets as files", e.Name)
		}
	}
	for _, v := range vars {
		if given[v.Name] && given[v.Name+"_FILE"] {
			t.Errorf("both %s and %s_FILE are set", v.Name, v.Name)
		}
		if v.Required && !given[v.Name] && !given[v.Name+"_FILE"] {
			t.Errorf("required %s is given neither in the ConfigMap nor as %s_FILE", v.Name, v.Name)
		}
		if v.Secret && v.Required && !given[v.Name+"_FILE"] {
			t.Errorf("secret %s does not arrive as %s_FILE", v.Name, v.Name)
		}
	}
	for key, value := range secret.StringData {
		if key != "redis-url" && value != "" {
			t.Errorf("secret.example.yaml holds a value for %s; it must stay a template", key)
		}
	}
	if len(secret.Data) > 0 {
		t.Error("secret.example.yaml has data; it must stay a template")
	}
}

// Redis keeps its state in an append-only file, fsynced every second, on a
// persistent volume, never evicts keys, and is the Redis the Secret's
// redis-url names.
func TestRedisPersistence(t *testing.T) {
	m := loadManifests(t)
	r := only(t, "StatefulSets", m.StatefulSets)
	if r.Spec.Replicas == nil || *r.Spec.Replicas != 1 {
		t.Errorf("Redis replicas = %s, want 1", count(r.Spec.Replicas))
	}
	selects(t, "Redis StatefulSet", r.Spec.Selector, r.Spec.Template.Labels)
	c := only(t, "Redis containers", r.Spec.Template.Spec.Containers)
	args := strings.Join(append(slices.Clone(c.Command), c.Args...), " ")
	for _, want := range []string{"redis-server", "--appendonly yes", "--appendfsync everysec", "--maxmemory-policy noeviction", "--dir /data"} {
		if !strings.Contains(args, want) {
			t.Errorf("Redis runs %q, want %q", args, want)
		}
	}
	claim := only(t, "Redis volumeClaimTemplates", r.Spec.VolumeClaimTemplates)
	if claim.Spec.Resources.Requests.Storage().IsZero() {
		t.Error("Redis volume claim requests no storage")
	}
	mounted := false
	for _, vm := range c.VolumeMounts {
		mounted = mounted || (vm.Name == claim.Name && vm.MountPath == "/data")
	}
	if !mounted {
		t.Errorf("Redis does not mount its claim %s at /data", claim.Name)
	}
	if c.LivenessProbe == nil || c.ReadinessProbe == nil {
		t.Error("Redis has no liveness or readiness probe")
	}
	secret := only(t, "Secrets", m.Secrets)
	var svc *corev1.Service
	for i, s := range m.Services {
		if s.Name == r.Spec.ServiceName {
			svc = &m.Services[i]
		}
	}
	if svc == nil {
		t.Fatalf("no Service %s for the Redis StatefulSet", r.Spec.ServiceName)
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(r.Spec.Template.Labels)) || len(svc.Spec.Ports) != 1 {
		t.Errorf("Service %s does not reach the Redis pods", svc.Name)
	}
	want := fmt.Sprintf("redis://%s:%d/", svc.Name, svc.Spec.Ports[0].Port)
	if !strings.HasPrefix(secret.StringData["redis-url"], want) {
		t.Errorf("secret.example.yaml redis-url = %q, want the in-cluster Redis %s...", secret.StringData["redis-url"], want)
	}
}

// The decoder is strict: a misspelt field fails, as CI must.
func TestStrictDecodingRefusesUnknownFields(t *testing.T) {
	var m manifests
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n")
	if _, err := m.decode(doc); err == nil || !strings.Contains(err.Error(), "replica") {
		t.Errorf("decode of a misspelt field: %v, want an unknown-field error", err)
	}
	if _, err := m.decode(bytes.ReplaceAll(doc, []byte("Deployment"), []byte("Deploymnet"))); err == nil {
		t.Error("decode of an unknown kind succeeded")
	}
}
