// Records how the apiserver turns YAML apply bodies into JSON: the same call its apply handler makes
// (kubernetes v1.35.4 decodes an apply body with k8s.io/apimachinery/pkg/util/yaml.Unmarshal, which is
// sigs.k8s.io/yaml v1.6.0's Unmarshal over go.yaml.in/yaml/v2 v2.4.3 with json.Decoder.UseNumber into a
// map[string]interface{}), then json.Marshal of the result — or the error it returns — and, for a body that
// decodes, what yaml.UnmarshalStrict adds (the apiserver's applyPatcher under fieldValidation=Strict).
// test/yaml/apiserver-yaml.test.ts checks src/yaml/apiserver-yaml.ts against the answers.
//
// Input on stdin: a JSON array of {id, yaml} (test/fixtures/yaml/yaml-cases.ts prints it). Output on
// stdout: a JSON array of {id, error}, {id, json} or, for JSON over 2 KiB, {id, sha256, bytes} of it, each
// decoded one with {strict} when strict decoding refuses it.
// Exit code: 0 written; a Go panic (2) on stdin that is not such a list.
// Built in the 1.35 wrapper module (tools/apiserver/go/1.35), whose graph pins sigs.k8s.io/yaml and
// go.yaml.in/yaml/v2 at the apiserver's own versions; needs its modules, already downloaded to build
// kube-apiserver. Re-record:
//
//	npx tsx test/fixtures/yaml/yaml-cases.ts | (cd tools/apiserver/go/1.35 && GOPROXY=off go run ../../../record/go-yaml.go) \
//	  > test/fixtures/yaml/go-yaml-answers.json
//
// test/yaml/apiserver-yaml.test.ts builds it (when Go and the modules are there, cached by
// tools/apiserver/binaries.ts ensureGoRecorder) and fails when the committed answers differ from what it writes.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"

	"sigs.k8s.io/yaml"
)

type yamlCase struct {
	ID   string `json:"id"`
	YAML string `json:"yaml"`
}

type answer struct {
	ID     string          `json:"id"`
	Error  string          `json:"error,omitempty"`
	JSON   json.RawMessage `json:"json,omitempty"`
	SHA256 string          `json:"sha256,omitempty"`
	Bytes  int             `json:"bytes,omitempty"`
	Strict string          `json:"strict,omitempty"`
}

const inlineLimit = 2048

func main() {
	var cases []yamlCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	useNumber := func(d *json.Decoder) *json.Decoder {
		d.UseNumber()
		return d
	}
	answers := make([]answer, 0, len(cases))
	for _, c := range cases {
		object := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(c.YAML), &object, useNumber); err != nil {
			answers = append(answers, answer{ID: c.ID, Error: err.Error()})
			continue
		}
		out, err := json.Marshal(object)
		if err != nil {
			answers = append(answers, answer{ID: c.ID, Error: err.Error()})
			continue
		}
		strict := ""
		if err := yaml.UnmarshalStrict([]byte(c.YAML), &map[string]interface{}{}, useNumber); err != nil {
			strict = err.Error()
		}
		if len(out) <= inlineLimit {
			answers = append(answers, answer{ID: c.ID, JSON: out, Strict: strict})
			continue
		}
		sum := sha256.Sum256(out)
		answers = append(answers, answer{ID: c.ID, SHA256: hex.EncodeToString(sum[:]), Bytes: len(out), Strict: strict})
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", " ")
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(answers); err != nil {
		panic(err)
	}
}
