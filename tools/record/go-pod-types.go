// Records the Go words kube-apiserver's JSON decoder uses when the patched object does not decode into a
// v1 Pod (kubernetes v1.35.4 staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go,
// jsonPatcher.applyPatchToCurrentObject: runtime.DecodeInto, whose decoder is sigs.k8s.io/json's fork of
// encoding/json). Its message reads `json: cannot unmarshal <kind> into Go struct field
// <Struct>.<path> of type <Go type>`: the struct whose JSON object holds the member, the JSON keys from
// the root with the Go names of embedded structs in between (`livenessProbe.ProbeHandler.tcpSocket`),
// and the reflect name of the Go type the value was meant for, pointers dropped (`int32`, `[]string`,
// `v1.Protocol`, `v1.ResourceList`). None of that is in the contract; which values each field accepts is
// (generated/merge-metadata.ts), so this records only the names.
//
// Output: src/engine/go-pod-types.ts (bannered; read by src/engine/typed-decode.ts), on stdout: per v1
// struct reached from v1.Pod (by its Go name, which is the contract's schema name), per JSON key, the Go
// type of the field, of its elements (slices and maps) and the embedded structs it is promoted through.
// With the argument `times`: for a JSON list of strings on stdin, what time.Parse(time.RFC3339, …) says of
// each (the error metav1.Time's UnmarshalJSON returns, or nothing when it parses), as JSON on stdout
// (test/fixtures/engine/go-times.json, the ground truth of src/engine/go-time.ts).
// Exit codes: 0 written; 2 on a usage error or stdin that is not a list of strings; 1 when two structs share
// a name, or a type cannot be described (an interface, a map with non-string keys), so a new Kubernetes
// version cannot be recorded silently wrong.
//
// Run (needs the modules of the 1.35 wrapper, already downloaded to build kube-apiserver):
//
//	cd tools/apiserver/go/1.35 && go run ../../../record/go-pod-types.go > ../../../../src/engine/go-pod-types.ts
//
//	cd tools/apiserver/go/1.35 && go run ../../../record/go-pod-types.go times \
//	  < ../../../../test/fixtures/engine/time-inputs.json > ../../../../test/fixtures/engine/go-times.json
//
// test/engine/typed-decode.test.ts runs it (when Go and the modules are there) and fails when the
// committed file differs from what it writes.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// One JSON member of a struct as the decoder names it.
type member struct {
	Key     string
	Type    string
	Element string
	Via     string
}

// Types that decode themselves (UnmarshalJSON): their insides are not walked.
var leaves = map[reflect.Type]bool{
	reflect.TypeOf(resource.Quantity{}):  true,
	reflect.TypeOf(intstr.IntOrString{}): true,
	reflect.TypeOf(metav1.Time{}):        true,
	reflect.TypeOf(metav1.FieldsV1{}):    true,
	reflect.TypeOf(metav1.MicroTime{}):   true,
	reflect.TypeOf(metav1.Duration{}):    true,
}

type recorder struct {
	structs  map[string][]member
	typeOf   map[string]reflect.Type
	problems []string
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// visit records the structs a value of type t reaches.
func (r *recorder) visit(t reflect.Type, where string) {
	t = deref(t)
	if leaves[t] {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		r.record(t)
	case reflect.Slice, reflect.Array:
		r.visit(t.Elem(), where)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			r.problems = append(r.problems, fmt.Sprintf("%s: %s has non-string keys", where, t))
		}
		r.visit(t.Elem(), where)
	case reflect.Interface:
		r.problems = append(r.problems, fmt.Sprintf("%s: %s is an interface", where, t))
	}
}

// members lists a struct's JSON members as encoding/json finds them: untagged embedded structs' members
// promoted, with the Go name of each embedded struct they come through.
func members(t reflect.Type, via string) []member {
	var out []member
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && deref(f.Type).Kind() == reflect.Struct {
			inner := f.Name
			if via != "" {
				inner = via + "." + f.Name
			}
			out = append(out, members(deref(f.Type), inner)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		field := deref(f.Type)
		m := member{Key: name, Type: field.String(), Via: via}
		if !leaves[field] && (field.Kind() == reflect.Slice || field.Kind() == reflect.Map) {
			m.Element = deref(field.Elem()).String()
		}
		out = append(out, m)
	}
	return out
}

func (r *recorder) record(t reflect.Type) {
	name := t.Name()
	if seen, ok := r.typeOf[name]; ok {
		if seen != t {
			r.problems = append(r.problems, fmt.Sprintf("%s and %s share the name %s", seen, t, name))
		}
		return
	}
	r.typeOf[name] = t
	list := members(t, "")
	r.structs[name] = list
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Tag.Get("json") == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			r.visit(f.Type, name+"."+f.Name)
		}
	}
	walk(t)
}

// recordTimes writes, for each string of the JSON list on stdin, time.Parse's error for RFC 3339.
func recordTimes() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintln(os.Stderr, "go-pod-types times: stdin is not a JSON list of strings:", err)
		os.Exit(2)
	}
	type recorded struct {
		Input string `json:"input"`
		Error string `json:"error,omitempty"`
	}
	out := make([]recorded, 0, len(inputs))
	for _, input := range inputs {
		entry := recorded{Input: input}
		if _, err := time.Parse(time.RFC3339, input); err != nil {
			entry.Error = err.Error()
		}
		out = append(out, entry)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", " ")
	encoder.SetEscapeHTML(false)
	_ = encoder.Encode(out)
}

func main() {
	switch {
	case len(os.Args) == 2 && os.Args[1] == "times":
		recordTimes()
		return
	case len(os.Args) != 1:
		fmt.Fprintln(os.Stderr, "usage: go-pod-types [times]  (no argument: the record on stdout; times: a JSON list on stdin)")
		os.Exit(2)
	}
	r := &recorder{structs: map[string][]member{}, typeOf: map[string]reflect.Type{}}
	r.visit(reflect.TypeOf(v1.Pod{}), "v1.Pod")
	if len(r.problems) > 0 {
		sort.Strings(r.problems)
		fmt.Fprintln(os.Stderr, "go-pod-types: v1.Pod holds what the record cannot describe:\n  "+strings.Join(r.problems, "\n  "))
		os.Exit(1)
	}
	names := make([]string, 0, len(r.structs))
	for name := range r.structs {
		names = append(names, name)
	}
	sort.Strings(names)
	var out strings.Builder
	out.WriteString("// Recorded by tools/record/go-pod-types.go from kubernetes v1.35.4 (k8s.io/api/core/v1,\n")
	out.WriteString("// k8s.io/apimachinery) — do not edit; re-record with the command in that file's header.\n")
	out.WriteString("// The Go names the apiserver's JSON decoder writes into `cannot unmarshal … into Go struct field …`:\n")
	out.WriteString("// per v1 struct reached from v1.Pod, per JSON key, the Go type of the field (pointers dropped), of its\n")
	out.WriteString("// elements, and the embedded structs it is promoted through. Read by src/engine/typed-decode.ts.\n")
	out.WriteString("export interface GoField {\n  readonly type: string;\n  readonly element?: string;\n  readonly via?: string;\n}\n\n")
	out.WriteString("export const goPodTypes: Readonly<Record<string, Readonly<Record<string, GoField>>>> = {\n")
	for _, name := range names {
		fmt.Fprintf(&out, "  %s: {\n", name)
		for _, m := range r.structs[name] {
			line := fmt.Sprintf("type: %q", m.Type)
			if m.Element != "" {
				line += fmt.Sprintf(", element: %q", m.Element)
			}
			if m.Via != "" {
				line += fmt.Sprintf(", via: %q", m.Via)
			}
			fmt.Fprintf(&out, "    %s: { %s },\n", quoteKey(m.Key), line)
		}
		out.WriteString("  },\n")
	}
	out.WriteString("};\n")
	os.Stdout.WriteString(out.String())
}

// quoteKey writes a key as Biome formats it: bare when it is an identifier, quoted otherwise.
func quoteKey(key string) string {
	for i, c := range key {
		if !(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return fmt.Sprintf("%q", key)
		}
	}
	return key
}
