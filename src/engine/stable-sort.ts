// Go's sort.SliceStable, ported line for line (go1.26 src/sort/zsortfunc.go: stable_func, insertionSort_func,
// symMerge_func, rotate_func, swapRange_func), so that the strategic merge patch orders list elements
// exactly as the apiserver does. Why not Array.prototype.sort: upstream's "less" (normalizeSliceOrder in
// k8s.io/apimachinery pkg/util/strategicpatch/patch.go) is true whenever an element is missing from the
// order list, which is not a strict weak order; with such a comparator the result depends on the algorithm,
// and only Go's own gives Go's result.
// Input: an array (sorted in place) and `less`. Cost: O(n log n) calls to `less` and O(n log² n) swaps,
// as in Go; insertion sort of 20-element blocks, then SymMerge of ever larger runs.

type Less<T> = (left: T, right: T) => boolean;

function swap<T>(data: T[], i: number, j: number): void {
  const held = data[i] as T;
  data[i] = data[j] as T;
  data[j] = held;
}

function insertionSort<T>(data: T[], less: Less<T>, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(data[j] as T, data[j - 1] as T); j--) swap(data, j, j - 1);
  }
}

function swapRange<T>(data: T[], a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) swap(data, a + i, b + i);
}

/** Rotates the consecutive blocks data[a:m] and data[m:b] ('x u v y' becomes 'x v u y'). */
function rotate<T>(data: T[], a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    if (i > j) {
      swapRange(data, m - i, m, j);
      i -= j;
    } else {
      swapRange(data, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(data, m - i, m, i);
}

/** Merges the sorted runs data[a:m] and data[m:b] (SymMerge, Kim and Kutzner, ESA 2004), as Go does. */
function symMerge<T>(data: T[], less: Less<T>, a: number, m: number, b: number): void {
  if (m - a === 1) {
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (less(data[h] as T, data[a] as T)) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) swap(data, k, k + 1);
    return;
  }
  if (b - m === 1) {
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!less(data[m] as T, data[h] as T)) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) swap(data, k, k - 1);
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start: number;
  let r: number;
  if (m > mid) {
    start = n - b;
    r = mid;
  } else {
    start = a;
    r = m;
  }
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!less(data[p - c] as T, data[c] as T)) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(data, start, m, end);
  if (a < start && start < mid) symMerge(data, less, a, start, mid);
  if (mid < end && end < b) symMerge(data, less, mid, end, b);
}

/** Sorts `data` in place exactly as Go's `sort.SliceStable(data, less)` would. */
export function goSliceStable<T>(data: T[], less: Less<T>): void {
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(data, less, a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(data, less, a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(data, less, a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(data, less, a, m, n);
    blockSize *= 2;
  }
}
