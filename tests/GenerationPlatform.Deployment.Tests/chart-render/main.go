// chart-render renders a Helm chart the way `helm template` does for the features our chart uses:
// Go text/template with the Sprig functions, plus Helm's include, tpl, toYaml, fromYaml, required, lookup (finds nothing, as under helm template),
// .Values (values.yaml merged with -f files), .Chart, .Release, .Template and .Files (Get, Glob).
// No helm binary is packaged for Debian 12; this uses the same template engine and function library.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run main.go CHART_DIR [-f values.yaml]... [--name RELEASE] [--namespace NS] [--notes] > rendered.yaml
//
// The release is "genplat" in namespace "default" unless --name / --namespace say otherwise. With --notes it prints
// templates/NOTES.txt rendered (what helm prints after an install) instead of the objects; like helm, it renders
// every template either way, so a template's fail stops both.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

func readTree(root, rel string, out files) error {
	entries, err := os.ReadDir(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := path.Join(rel, e.Name())
		info, err := os.Stat(filepath.Join(root, name)) // follows symbolic links, as helm does
		if err != nil {
			return err
		}
		if info.IsDir() {
			if err := readTree(root, name, out); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return err
		}
		out[name] = data
	}
	return nil
}

func toYaml(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// merge overlays src onto dst (maps merge recursively, everything else replaces).
func merge(dst, src map[string]interface{}) {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "chart-render: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: chart-render CHART_DIR [-f values.yaml]... [--name RELEASE] [--namespace NS] [--notes]")
	}
	chartDir := os.Args[1]
	all := files{}
	if err := readTree(chartDir, "", all); err != nil {
		fail("%v", err)
	}
	var chartMeta map[string]interface{}
	if err := yaml.Unmarshal(all["Chart.yaml"], &chartMeta); err != nil {
		fail("Chart.yaml: %v", err)
	}
	chart := map[string]interface{}{}
	for k, v := range chartMeta {
		chart[strings.ToUpper(k[:1])+k[1:]] = v // helm exposes Chart.yaml fields capitalized
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(all["values.yaml"], &values); err != nil {
		fail("values.yaml: %v", err)
	}
	releaseName, releaseNamespace := "genplat", "default"
	notes := false
	for i := 2; i < len(os.Args); i++ {
		if os.Args[i] == "--notes" {
			notes = true
			continue
		}
		if i+1 >= len(os.Args) {
			fail("unexpected argument %q", os.Args[i])
		}
		switch os.Args[i] {
		case "-f":
		case "--name":
			i++
			releaseName = os.Args[i]
			continue
		case "--namespace":
			i++
			releaseNamespace = os.Args[i]
			continue
		default:
			fail("unexpected argument %q", os.Args[i])
		}
		i++
		data, err := os.ReadFile(os.Args[i])
		if err != nil {
			fail("%v", err)
		}
		extra := map[string]interface{}{}
		if err := yaml.Unmarshal(data, &extra); err != nil {
			fail("%s: %v", os.Args[i], err)
		}
		merge(values, extra)
	}
	chartName, _ := chart["Name"].(string)
	root := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	funcs["toYaml"] = toYaml
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(s), &m)
		return m
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	// helm template has no cluster to ask: lookup finds nothing (an empty map), as it does there.
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) map[string]interface{} {
		return map[string]interface{}{}
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	root.Funcs(funcs)
	var names []string
	for name := range all {
		if strings.HasPrefix(name, "templates/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := root.New(path.Join(chartName, name)).Parse(string(all[name])); err != nil {
			fail("%v", err)
		}
	}
	render := func(name string) string {
		full := path.Join(chartName, name)
		data := map[string]interface{}{
			"Values":   values,
			"Chart":    chart,
			"Files":    all,
			"Release":  map[string]interface{}{"Name": releaseName, "Namespace": releaseNamespace, "Service": "Helm", "IsInstall": true},
			"Template": map[string]interface{}{"Name": full, "BasePath": path.Join(chartName, "templates")},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, data); err != nil {
			fail("%v", err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	var objects strings.Builder
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") || !strings.HasSuffix(name, ".yaml") {
			continue
		}
		out := render(name)
		if strings.TrimSpace(out) == "" {
			continue
		}
		fmt.Fprintf(&objects, "---\n# Source: %s\n%s\n", path.Join(chartName, name), strings.TrimSpace(out))
	}
	if notes {
		if _, ok := all["templates/NOTES.txt"]; !ok {
			fail("the chart has no templates/NOTES.txt")
		}
		fmt.Print(render("templates/NOTES.txt"))
		return
	}
	fmt.Print(objects.String())
}
