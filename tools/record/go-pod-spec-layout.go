// Records how kube-apiserver writes its internal Go PodSpec as JSON, for the diff it appends to
// `spec: Forbidden: pod updates may not change fields other than …` (kubernetes v1.35.4
// pkg/apis/core/validation/validation.go ValidatePodUpdate: diff.Diff(oldPod.Spec, mungedPodSpec), which
// is json.MarshalIndent of k8s.io/kubernetes/pkg/apis/core.PodSpec). It reflects over the internal type
// and, for every struct reached from it, lists the members encoding/json writes (in order, embedded
// structs flattened, tags and omitempty honoured) with the v1 JSON key each is converted from
// (k8s.io/api/core/v1, paired by Go field name as the generated conversions pair them).
//
// Output: src/engine/go-pod-spec-layout.ts (bannered; read by src/engine/go-spec-diff.ts), on stdout.
// With the argument `quantities`: for a JSON list of quantity strings on stdin, what resource.Quantity
// writes for each (test/fixtures/engine/go-quantities.json, the ground truth of src/engine/quantity.ts).
// Exit codes: 0 written; 2 on a usage error or stdin that is not a list of strings; 1 when the types hold something this layout cannot describe (a JSON marshaler
// other than Quantity, IntOrString, Time and FieldsV1, a float (Go writes those its own way), a recursive type, an interface, an internal field with no v1 source not listed in
// convertedBySpec below, v1 and internal kinds that differ), so a new Kubernetes version cannot be
// recorded silently wrong.
//
// Run (needs the modules of the 1.35 wrapper, already downloaded to build kube-apiserver):
//
//	cd tools/apiserver/go/1.35 && go run ../../../record/go-pod-spec-layout.go > ../../../../src/engine/go-pod-spec-layout.ts
//
//	cd tools/apiserver/go/1.35 && go run ../../../record/go-pod-spec-layout.go quantities \
//	  < ../../../../test/fixtures/engine/quantity-inputs.json > ../../../../test/fixtures/engine/go-quantities.json
//
// test/engine/go-spec-diff.test.ts builds it (when Go and the modules are there) and fails when the
// committed files differ from what it writes.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/kubernetes/pkg/apis/core"
)

// Internal fields without a v1 field of the same name: kubernetes v1.35.4 pkg/apis/core/v1/conversion.go
// Convert_v1_PodSpec_To_core_PodSpec moves the host namespace fields of v1.PodSpec into the internal
// PodSecurityContext. The value is the v1 PodSpec key; src/engine/go-spec-diff.ts moves them likewise.
var convertedBySpec = map[string]string{
	"core.PodSecurityContext.HostNetwork":           "hostNetwork",
	"core.PodSecurityContext.HostPID":               "hostPID",
	"core.PodSecurityContext.HostIPC":               "hostIPC",
	"core.PodSecurityContext.ShareProcessNamespace": "shareProcessNamespace",
	"core.PodSecurityContext.HostUsers":             "hostUsers",
}

// One member as encoding/json writes it.
type member struct {
	// Key in the internal JSON (the Go name unless a json tag renames it).
	Name string
	// Type expression: string, bool, int, quantity, intOrString, time, rawJSON, *T, []T, map[string]T or a struct name.
	Type string
	// The v1 JSON key the value comes from (see convertedBySpec for the moved ones); `a.b` is a path.
	V1 string
	// Left out when zero (`omitempty`), as the shared metav1 types declare.
	OmitEmpty bool
	// Left out when zero (`omitzero`; metav1.Time is zero when unset).
	OmitZero bool
}

var (
	quantityType    = reflect.TypeOf(resource.Quantity{})
	intOrStringType = reflect.TypeOf(intstr.IntOrString{})
	timeType        = reflect.TypeOf(metav1.Time{})
	fieldsType      = reflect.TypeOf(metav1.FieldsV1{})
	marshalerType   = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

type recorder struct {
	structs    map[string][]member
	inProgress map[string]bool
	problems   []string
}

func structName(t reflect.Type) string {
	return t.String() // e.g. core.Container, v1.LabelSelector
}

// typeOf names the internal type `in` (with `out` its v1 counterpart) and records the structs it reaches.
func (r *recorder) typeOf(in, out reflect.Type, where string) string {
	switch {
	case in == quantityType:
		return "quantity"
	case in == intOrStringType:
		return "intOrString"
	case in == timeType:
		return "time"
	case in == fieldsType:
		// FieldsV1 writes its raw JSON, which MarshalIndent then indents like any other.
		return "rawJSON"
	case in.Kind() != reflect.Pointer && (in.Implements(marshalerType) || reflect.PointerTo(in).Implements(marshalerType)):
		r.problems = append(r.problems, fmt.Sprintf("%s: %s has its own MarshalJSON", where, in))
		return "?"
	}
	if out.Kind() == reflect.Pointer && in.Kind() != reflect.Pointer {
		// A v1 pointer converted to a value (metav1.Convert_Pointer_int64_To_int64 …): nil becomes zero.
		out = out.Elem()
	}
	if in.Kind() != out.Kind() {
		r.problems = append(r.problems, fmt.Sprintf("%s: internal %s is a %s, v1 %s a %s", where, in, in.Kind(), out, out.Kind()))
		return "?"
	}
	switch in.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Pointer:
		return "*" + r.typeOf(in.Elem(), out.Elem(), where)
	case reflect.Slice:
		if in.Elem().Kind() == reflect.Uint8 {
			r.problems = append(r.problems, fmt.Sprintf("%s: %s is written as base64", where, in))
		}
		return "[]" + r.typeOf(in.Elem(), out.Elem(), where)
	case reflect.Map:
		if in.Key().Kind() != reflect.String {
			r.problems = append(r.problems, fmt.Sprintf("%s: %s has non-string keys", where, in))
		}
		return "map[string]" + r.typeOf(in.Elem(), out.Elem(), where)
	case reflect.Struct:
		r.record(in, out)
		return structName(in)
	}
	r.problems = append(r.problems, fmt.Sprintf("%s: %s (%s) cannot be described", where, in, in.Kind()))
	return "?"
}

// jsonFields lists a struct's fields as encoding/json walks them: embedded untagged structs flattened.
// The types reached from PodSpec have no name collisions, which encoding/json would resolve by depth.
type field struct {
	goName    string
	key       string
	omitEmpty bool
	omitZero  bool
	typ       reflect.Type
	// The Go name of the untagged embedded struct the field was promoted from, if any.
	via string
}

func jsonFields(t reflect.Type) []field {
	var fields []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, options, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			embedded := f.Type
			if embedded.Kind() == reflect.Pointer {
				embedded = embedded.Elem()
			}
			if embedded.Kind() == reflect.Struct {
				for _, promoted := range jsonFields(embedded) {
					if promoted.via == "" {
						promoted.via = f.Name
					}
					fields = append(fields, promoted)
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit, omitZero := false, false
		for _, option := range strings.Split(options, ",") {
			switch option {
			case "omitempty":
				omit = true
			case "omitzero":
				omitZero = true
			case "", "inline":
			default:
				// `string` changes the text; none of the types reached uses it today.
				panic(fmt.Sprintf("%s.%s: json option %q is not modelled", t, f.Name, option))
			}
		}
		fields = append(fields, field{goName: f.Name, key: name, omitEmpty: omit, omitZero: omitZero, typ: f.Type})
	}
	return fields
}

func (r *recorder) record(in, out reflect.Type) {
	name := structName(in)
	if _, seen := r.structs[name]; seen {
		if r.inProgress[name] {
			// src/engine/go-spec-diff.ts walks the layout without a cycle check.
			r.problems = append(r.problems, name+": a recursive type")
		}
		return
	}
	r.structs[name] = nil
	r.inProgress[name] = true
	defer delete(r.inProgress, name)
	v1Fields := map[string]field{}
	for _, f := range jsonFields(out) {
		v1Fields[f.goName] = f
	}
	var members []member
	for _, f := range jsonFields(in) {
		where := name + "." + f.goName
		source, ok := v1Fields[f.goName]
		if holder, nested := v1Fields[f.via]; !ok && nested && holder.typ.Kind() == reflect.Struct {
			// Embedded internally, a named member in v1 (PersistentVolumeClaimTemplate's ObjectMeta is
			// `metadata`): the v1 key is a path.
			for _, inner := range jsonFields(holder.typ) {
				if inner.goName == f.goName {
					source, ok = field{key: holder.key + "." + inner.key, typ: inner.typ}, true
				}
			}
		}
		if !ok {
			key, moved := convertedBySpec[where]
			if !moved {
				r.problems = append(r.problems, where+": no v1 field of that name and no conversion listed")
				continue
			}
			// The moved fields have the type of their v1 PodSpec namesake.
			spec, _ := reflect.TypeOf(v1.PodSpec{}).FieldByName(f.goName)
			source = field{key: key, typ: spec.Type}
		}
		members = append(members, member{Name: f.key, Type: r.typeOf(f.typ, source.typ, where), V1: source.key, OmitEmpty: f.omitEmpty, OmitZero: f.omitZero})
	}
	r.structs[name] = members
}

// recordQuantities writes, for each quantity of the JSON list on stdin, what resource.Quantity's
// MarshalJSON makes of it (or the parse error): the ground truth of src/engine/quantity.ts.
func recordQuantities() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintln(os.Stderr, "go-pod-spec-layout quantities: stdin is not a JSON list of strings:", err)
		os.Exit(2)
	}
	type recorded struct {
		Input  string `json:"input"`
		Output string `json:"output,omitempty"`
		Error  string `json:"error,omitempty"`
	}
	out := make([]recorded, 0, len(inputs))
	for _, input := range inputs {
		q, err := resource.ParseQuantity(input)
		if err != nil {
			out = append(out, recorded{Input: input, Error: err.Error()})
			continue
		}
		text, _ := q.MarshalJSON()
		var output string
		_ = json.Unmarshal(text, &output)
		out = append(out, recorded{Input: input, Output: output})
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", " ")
	_ = encoder.Encode(out)
}

func main() {
	switch {
	case len(os.Args) == 2 && os.Args[1] == "quantities":
		recordQuantities()
		return
	case len(os.Args) != 1:
		fmt.Fprintln(os.Stderr, "usage: go-pod-spec-layout [quantities]  (no argument: the layout on stdout; quantities: a JSON list on stdin)")
		os.Exit(2)
	}
	r := &recorder{structs: map[string][]member{}, inProgress: map[string]bool{}}
	root := r.typeOf(reflect.TypeOf(core.PodSpec{}), reflect.TypeOf(v1.PodSpec{}), "core.PodSpec")
	if len(r.problems) > 0 {
		sort.Strings(r.problems)
		fmt.Fprintln(os.Stderr, "go-pod-spec-layout: the internal PodSpec holds what the layout cannot describe:\n  "+strings.Join(r.problems, "\n  "))
		os.Exit(1)
	}
	names := make([]string, 0, len(r.structs))
	for name := range r.structs {
		names = append(names, name)
	}
	sort.Strings(names)
	var out strings.Builder
	out.WriteString("// Recorded by tools/record/go-pod-spec-layout.go from kubernetes v1.35.4 (k8s.io/kubernetes/pkg/apis/core,\n")
	out.WriteString("// k8s.io/api/core/v1) — do not edit; re-record with the command in that file's header.\n")
	out.WriteString("// How encoding/json writes the internal Go PodSpec: per struct, its members in order with the v1 JSON\n")
	out.WriteString("// key each comes from. Read by src/engine/go-spec-diff.ts.\n")
	out.WriteString("import type { GoStructLayout } from \"./go-spec-diff.js\";\n\n")
	fmt.Fprintf(&out, "export const goPodSpecRoot = %q;\n\n", root)
	out.WriteString("export const goPodSpecLayout: Readonly<Record<string, GoStructLayout>> = {\n")
	for _, name := range names {
		fmt.Fprintf(&out, "  %q: [\n", name)
		for _, m := range r.structs[name] {
			line := fmt.Sprintf("{ name: %q, type: %q, v1: %q", m.Name, m.Type, m.V1)
			if m.OmitEmpty {
				line += ", omitEmpty: true"
			}
			if m.OmitZero {
				line += ", omitZero: true"
			}
			fmt.Fprintf(&out, "    %s },\n", line)
		}
		out.WriteString("  ],\n")
	}
	out.WriteString("};\n")
	os.Stdout.WriteString(out.String())
}
