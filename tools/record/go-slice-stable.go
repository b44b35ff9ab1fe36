// Records what Go's sort.SliceStable does with the "less" of strategic merge's normalizeSliceOrder
// (k8s.io/apimachinery pkg/util/strategicpatch/patch.go): true whenever either element is missing from
// the order list. Each case is a list of positions in that order list, -1 for "missing"; the output is the
// list after sort.SliceStable. test/engine/stable-sort.test.ts checks src/engine/stable-sort.ts against it.
//
// Run: go run tools/record/go-slice-stable.go > test/fixtures/engine/go-slice-stable.json
// Needs only the Go toolchain (no module downloads); the inputs come from a fixed seed.
package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"sort"
)

type recorded struct {
	Input  []int `json:"input"`
	Output []int `json:"output"`
}

func main() {
	random := rand.New(rand.NewSource(16))
	lengths := []int{0, 1, 2, 3, 19, 20, 21, 39, 40, 41, 63, 64, 65, 100, 150, 333}
	var cases []recorded
	for _, length := range lengths {
		for _, missingShare := range []float64{0, 0.05, 0.3, 1} {
			input := make([]int, length)
			for i := range input {
				if random.Float64() < missingShare {
					input[i] = -1 - random.Intn(3)
				} else {
					input[i] = random.Intn(length + 1)
				}
			}
			output := make([]int, length)
			copy(output, input)
			sort.SliceStable(output, func(i, j int) bool {
				if output[i] >= 0 && output[j] >= 0 {
					return output[i] < output[j]
				}
				return true
			})
			cases = append(cases, recorded{Input: input, Output: output})
		}
	}
	encoder := json.NewEncoder(os.Stdout)
	if err := encoder.Encode(cases); err != nil {
		panic(err)
	}
}
