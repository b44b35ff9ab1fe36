// Sets of field paths, as server-side apply records who owns what: a port of the parts of
// sigs.k8s.io/structured-merge-diff v6.3.0 `fieldpath` the apiserver uses for `managedFields`.
// Inputs: paths of path elements, or a `fieldsV1` object. Outputs: set algebra, the `fieldsV1` object the
// apiserver writes (sorted as it sorts), and the `.spec.containers[name="web"].image` notation of its
// conflict messages. Pure; nothing here knows the Pod model (src/engine/typed-value.ts does).
//
// A path element is kept in its FieldsV1 spelling: `f:<field>` (struct field or map key),
// `k:<JSON object of the list-map keys, sorted by name>` (list-map element), `v:<JSON value>` (set
// element), `i:<index>` (never produced for a Pod, read for completeness).
import { goJson } from "./go-text.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** value.Compare of structured-merge-diff: numbers < strings < booleans < lists < maps < null, each in its own order. */
export function compareValues(left: JsonValue, right: JsonValue): number {
  const rank = (value: JsonValue): number =>
    typeof value === "number"
      ? 0
      : typeof value === "string"
        ? 1
        : typeof value === "boolean"
          ? 2
          : Array.isArray(value)
            ? 3
            : value === null
              ? 5
              : 4;
  const difference = rank(left) - rank(right);
  if (difference !== 0) return Math.sign(difference);
  if (typeof left === "number" && typeof right === "number") return Math.sign(left - right);
  if (typeof left === "string" && typeof right === "string") return compareStrings(left, right);
  if (typeof left === "boolean" && typeof right === "boolean") return Number(left) - Number(right);
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
      const compared = compareValues(left[index] as JsonValue, right[index] as JsonValue);
      if (compared !== 0) return compared;
    }
    return Math.sign(left.length - right.length);
  }
  if (isJsonObject(left) && isJsonObject(right)) return compareFieldLists(sortedFields(left), sortedFields(right));
  return 0;
}

/**
 * Go's strings.Compare is by bytes; UTF-8 byte order equals code point order. JavaScript compares UTF-16
 * code units, which orders the same except between a surrogate (D800–DFFF, half of a code point above
 * FFFF) and a unit from E000 up: those are moved apart so that surrogates sort last. No allocation: map
 * keys are sorted with this (100,000 labels make 1.7 million comparisons).
 */
function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    let a = left.charCodeAt(index);
    let b = right.charCodeAt(index);
    if (a === b) continue;
    if (a >= 0xd800) a += a < 0xe000 ? 0x2000 : -0x800;
    if (b >= 0xd800) b += b < 0xe000 ? 0x2000 : -0x800;
    return a < b ? -1 : 1;
  }
  return Math.sign(left.length - right.length);
}

type FieldList = Array<[string, JsonValue]>;

function sortedFields(object: JsonObject): FieldList {
  return Object.entries(object).sort(([a], [b]) => compareStrings(a, b));
}

function compareFieldLists(left: FieldList, right: FieldList): number {
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const [leftName, leftValue] = left[index] as [string, JsonValue];
    const [rightName, rightValue] = right[index] as [string, JsonValue];
    const byName = compareStrings(leftName, rightName);
    if (byName !== 0) return byName;
    const byValue = compareValues(leftValue, rightValue);
    if (byValue !== 0) return byValue;
  }
  return Math.sign(left.length - right.length);
}

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (value: JsonValue): PathElement => `v:${goJson(value)}`;
/** The element of a list-map entry: its key fields sorted by name. */
export function keyElement(keys: Record<string, JsonValue>): PathElement {
  const names = Object.keys(keys);
  // One key field (a container's or an env var's name): written directly, no sorted copy of one member.
  if (names.length === 1) {
    const name = names[0] as string;
    return `k:{${goJson(name)}:${goJson(keys[name] as JsonValue)}}`;
  }
  const sorted: JsonObject = {};
  for (const [name, value] of sortedFields(keys)) sorted[name] = value;
  return `k:${goJson(sorted)}`;
}

const typeRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** A `k:` element's key fields (sorted) or a `v:` element's value, decoded once for sorting. */
type DecodedElement = { kind: "k"; fields: FieldList } | { kind: "v"; value: JsonValue } | { kind: "other" };

function decodeElement(element: PathElement): DecodedElement {
  if (element[0] === "k") return { kind: "k", fields: sortedFields(JSON.parse(element.slice(2)) as JsonObject) };
  if (element[0] === "v") return { kind: "v", value: JSON.parse(element.slice(2)) as JsonValue };
  return { kind: "other" };
}

function compareDecoded(left: DecodedElement, right: DecodedElement): number {
  if (left.kind === "k" && right.kind === "k") return compareFieldLists(left.fields, right.fields);
  if (left.kind === "v" && right.kind === "v") return compareValues(left.value, right.value);
  return 0;
}

/**
 * Elements in PathElement.Compare's order: field names < keys < values < indexes, each in its own order.
 * A list-map's or set's elements are JSON texts: each is decoded
 * once, not at every comparison (30,000 env vars make half a million comparisons).
 */
function sortElements(elements: Iterable<PathElement>): PathElement[] {
  const list = [...elements];
  if (list.every((element) => element[0] === "f")) {
    // Without surrogates and code units from E000 up, UTF-16 order is compareStrings' order, and the
    // built-in sort, which calls no function per comparison, gives it (100,000 annotations: 1.7 million).
    return list.some((element) => /[\ud800-\uffff]/.test(element)) ? list.sort(compareStrings) : list.sort();
  }
  const decoded = new Map(list.map((element) => [element, decodeElement(element)]));
  return list.sort((left, right) => {
    const byType = (typeRank[left[0] ?? ""] ?? 4) - (typeRank[right[0] ?? ""] ?? 4);
    if (byType !== 0) return Math.sign(byType);
    if (left[0] === "f") return compareStrings(left, right);
    if (left[0] === "k" || left[0] === "v")
      return compareDecoded(decoded.get(left) as DecodedElement, decoded.get(right) as DecodedElement);
    return Math.sign(Number(left.slice(2)) - Number(right.slice(2)));
  });
}

/** value.ToString: how a value is printed inside a path (strings quoted, the rest as JSON). */
function showValue(value: JsonValue): string {
  return goJson(value);
}

/** Path.String(): `.spec.containers[name="web"].image`, `.metadata.finalizers[="a/b"]`. */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      const rest = element.slice(2);
      switch (element[0]) {
        case "f":
          return `.${rest}`;
        case "k":
          return `[${sortedFields(JSON.parse(rest) as JsonObject)
            .map(([name, value]) => `${name}=${showValue(value)}`)
            .join(",")}]`;
        case "v":
          return `[=${showValue(JSON.parse(rest) as JsonValue)}]`;
        default:
          return `[${rest}]`;
      }
    })
    .join("");
}

/**
 * A trie node. Nodes are shared between sets (a set is a value once built), so nothing may change a node
 * that a finished set holds (but for making its pending fields children, which changes no set it is in);
 * a leaf has no `children` map at all (sets of 100,000 labels are mostly leaves).
 */
interface TrieNode {
  /** The path to this node is itself in the set. */
  member: boolean;
  children: Map<PathElement, TrieNode> | undefined;
  /**
   * Names of fields whose paths below this node are members, each a leaf, not made children yet
   * (insertFieldLeaves): childrenOf makes them children when the node is first read, which for the 100,000
   * annotations of an apply that validation refuses is never. Only on a node without `children`.
   */
  pendingFields: readonly string[] | undefined;
}

const emptyNode = (): TrieNode => ({ member: false, children: undefined, pendingFields: undefined });

/**
 * The node of every path inserted as a leaf (insert, insertChildren): one frozen node shared by all of them, not one
 * each. 100,000 young objects held by one map cost more to collect than to make; nothing changes it
 * (nodeAt gives a path that goes on below it a node of its own).
 */
const MEMBER_LEAF: TrieNode = Object.freeze({ member: true, children: undefined, pendingFields: undefined });

/** The fieldsV1 value of every leaf, shared and frozen for the same reason (a stored Pod is frozen anyway). */
const EMPTY_FIELDS: JsonObject = Object.freeze({}) as JsonObject;
const NO_CHILDREN: ReadonlyMap<PathElement, TrieNode> = new Map();

function childrenOf(node: TrieNode): ReadonlyMap<PathElement, TrieNode> {
  if (node.pendingFields !== undefined) {
    const children = new Map<PathElement, TrieNode>();
    for (const name of node.pendingFields) children.set(fieldElement(name), MEMBER_LEAF);
    node.children = children;
    node.pendingFields = undefined;
  }
  return node.children ?? NO_CHILDREN;
}

/** The node's children, to add to (only while its set is being built). */
function ownChildren(node: TrieNode): Map<PathElement, TrieNode> {
  childrenOf(node);
  node.children ??= new Map();
  return node.children;
}

function isEmptyNode(node: TrieNode): boolean {
  return !node.member && (node.pendingFields?.length ?? 0) === 0 && (node.children === undefined || node.children.size === 0);
}

/** How many children a node has, its pending fields counted without making them children. */
function childCount(node: TrieNode): number {
  return node.pendingFields?.length ?? node.children?.size ?? 0;
}

/**
 * The child lookup of a node asked `lookups` times: a few are answered from its pending fields as they
 * are (a manager's one label against 300,000 new ones), more from its children, made once.
 */
function finder(node: TrieNode, lookups: number): (element: PathElement) => TrieNode | undefined {
  const names = node.pendingFields;
  if (names !== undefined && lookups <= 16) {
    return (element) => (element.startsWith("f:") && names.includes(element.slice(2)) ? MEMBER_LEAF : undefined);
  }
  const children = childrenOf(node);
  return (element) => children.get(element);
}

/** a ∪ b, a − b or a ∩ b, node by node (`undefined` for an empty result); unchanged subtrees are shared. */
function combine(
  a: TrieNode | undefined,
  b: TrieNode | undefined,
  operation: "union" | "difference" | "intersection",
): TrieNode | undefined {
  if (a === undefined) return operation === "union" && b !== undefined && !isEmptyNode(b) ? b : undefined;
  if (b === undefined) return operation === "intersection" || isEmptyNode(a) ? undefined : a;
  const member =
    operation === "union" ? a.member || b.member : operation === "difference" ? a.member && !b.member : a.member && b.member;
  const aCount = childCount(a);
  const bCount = childCount(b);
  // Walk the smaller side of an intersection: it stays small whatever the other holds.
  const walked = operation === "intersection" ? Math.min(aCount, bCount) : operation === "union" ? aCount + bCount : aCount;
  const aChild = finder(a, walked);
  const bChild = finder(b, walked);
  const children = new Map<PathElement, TrieNode>();
  const visit = (element: PathElement): void => {
    const child = combine(aChild(element), bChild(element), operation);
    if (child !== undefined) children.set(element, child);
  };
  if (operation === "intersection") {
    for (const element of childrenOf(aCount <= bCount ? a : b).keys()) visit(element);
  } else if (operation === "difference" && bCount === 0) {
    if (member === a.member) return a;
    for (const element of childrenOf(a).keys()) visit(element);
  } else {
    for (const element of childrenOf(a).keys()) visit(element);
    if (operation === "union") for (const element of childrenOf(b).keys()) if (aChild(element) === undefined) visit(element);
  }
  const out: TrieNode = { member, children: children.size > 0 ? children : undefined, pendingFields: undefined };
  return isEmptyNode(out) ? undefined : out;
}

/** A set of field paths (fieldpath.Set), kept as a trie: each path names a field, map entry or list element that is owned. */
export class FieldSet {
  private constructor(private readonly root: TrieNode) {}

  static of(paths: Iterable<FieldPath> = []): FieldSet {
    const set = new FieldSet(emptyNode());
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Adds a path (only while the set is being built: sets are otherwise treated as values). */
  insert(path: FieldPath): void {
    const last = path[path.length - 1];
    if (last === undefined) {
      this.root.member = true;
      return;
    }
    // A new path ends in the shared leaf until a longer one goes on below it (the fields of 30,000 list elements).
    const children = ownChildren(this.nodeAt(path, path.length - 1));
    const node = children.get(last);
    if (node === undefined) children.set(last, MEMBER_LEAF);
    else if (node !== MEMBER_LEAF) node.member = true;
  }

  /** The node of `path`'s first `length` elements, made with its missing ancestors (only while the set is being built). */
  private nodeAt(path: FieldPath, length = path.length): TrieNode {
    let node = this.root;
    for (let depth = 0; depth < length; depth++) {
      const element = path[depth] as PathElement;
      const children = ownChildren(node);
      let child = children.get(element);
      if (child === undefined || child === MEMBER_LEAF) {
        child = { member: child === MEMBER_LEAF, children: undefined, pendingFields: undefined };
        children.set(element, child);
      }
      node = child;
    }
    return node;
  }

  /**
   * Adds `path` + [element] for each of `elements` (only while the set is being built): one walk down to
   * `path` for all of them (the 100,000 entries of a map).
   */
  private insertChildren(path: FieldPath, elements: readonly PathElement[]): void {
    if (elements.length === 0) return;
    const children = ownChildren(this.nodeAt(path));
    for (const element of elements) {
      const child = children.get(element);
      if (child === undefined) children.set(element, MEMBER_LEAF);
      else if (child !== MEMBER_LEAF) child.member = true;
    }
  }

  /**
   * insertChildren of the fields `names` (the entries of a map of leaves; the array becomes the set's):
   * their path elements and nodes are made only when the set is read there. With `withPath`, `path` itself
   * too, in the same walk down (each of 90,000 added env vars, and its name and value).
   */
  insertFieldLeaves(path: FieldPath, names: readonly string[], withPath = false): void {
    if (names.length === 0) {
      if (withPath) this.insert(path);
      return;
    }
    const node = this.nodeAt(path);
    if (withPath) node.member = true;
    if (node.children === undefined && node.pendingFields === undefined) node.pendingFields = names;
    else this.insertChildren(path, names.map(fieldElement));
  }

  has(path: FieldPath): boolean {
    let node: TrieNode | undefined = this.root;
    for (const element of path) {
      node = childrenOf(node).get(element);
      if (node === undefined) return false;
    }
    return node.member;
  }

  isEmpty(): boolean {
    return isEmptyNode(this.root);
  }

  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: TrieNode, prefix: PathElement[]): void => {
      if (node.member) out.push(prefix);
      for (const [element, child] of childrenOf(node)) walk(child, [...prefix, element]);
    };
    walk(this.root, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, "union") ?? emptyNode());
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, "difference") ?? emptyNode());
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(combine(this.root, other.root, "intersection") ?? emptyNode());
  }

  /** The paths below `element`, without it (Set.WithPrefix); shares the trie, so only for reading. */
  withPrefix(element: PathElement): FieldSet {
    return new FieldSet(childrenOf(this.root).get(element) ?? emptyNode());
  }

  /** The set without the paths that start with `element` (shares the rest). */
  withoutPrefix(element: PathElement): FieldSet {
    if (!childrenOf(this.root).has(element)) return this;
    const children = new Map(childrenOf(this.root));
    children.delete(element);
    return new FieldSet({
      member: this.root.member,
      children: children.size > 0 ? children : undefined,
      pendingFields: undefined,
    });
  }

  /**
   * The paths in Set.Iterate's order: at each level the members (sorted), then each child's paths
   * (children sorted) — the order of conflict causes.
   */
  sortedPaths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (node: TrieNode, prefix: PathElement[]): void => {
      const children = childrenOf(node);
      const elements = sortElements(children.keys());
      for (const element of elements) if (children.get(element)?.member === true) out.push([...prefix, element]);
      for (const element of elements) {
        const child = children.get(element) as TrieNode;
        if (childrenOf(child).size > 0) walk(child, [...prefix, element]);
      }
    };
    if (this.root.member) out.push([]);
    walk(this.root, []);
    return out;
  }

  /** The `fieldsV1` object of a managedFields entry, keys sorted as the apiserver writes them. */
  toFieldsV1(): JsonObject {
    const hasChildren = (node: TrieNode): boolean => (node.pendingFields?.length ?? 0) > 0 || (node.children?.size ?? 0) > 0;
    const build = (node: TrieNode, includeSelf: boolean): JsonObject => {
      const out: JsonObject = {};
      if (includeSelf && node.member && hasChildren(node)) out["."] = EMPTY_FIELDS;
      if (node.pendingFields !== undefined) {
        // Leaves only: written out from their names, not made children first (300,000 labels).
        for (const element of sortElements(node.pendingFields.map(fieldElement))) out[element] = EMPTY_FIELDS;
        return out;
      }
      const children = childrenOf(node);
      for (const element of sortElements(children.keys())) {
        const child = children.get(element) as TrieNode;
        out[element] = hasChildren(child) ? build(child, true) : EMPTY_FIELDS;
      }
      return out;
    };
    return build(this.root, false);
  }

  /**
   * Buffer.byteLength(JSON.stringify(this.toFieldsV1())), without building or sorting it (the size does not
   * depend on the order): a Pod too large to store is refused without writing out the fields of its 300,000
   * labels. Each node's keys are quoted by one JSON.stringify of them as a list — `["a","b"]` is `{"a":…,"b":…}`
   * without the values and colons, brackets for braces.
   */
  fieldsV1Bytes(): number {
    const listBytes = (elements: readonly string[]): number => Buffer.byteLength(JSON.stringify(elements));
    const hasChildren = (node: TrieNode): boolean => (node.pendingFields?.length ?? 0) > 0 || (node.children?.size ?? 0) > 0;
    const pending: { node: TrieNode; includeSelf: boolean }[] = [{ node: this.root, includeSelf: false }];
    let bytes = 0;
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const { node, includeSelf } = next;
      // `".":{},` before the children.
      if (includeSelf && node.member && hasChildren(node)) bytes += 7;
      if (node.pendingFields !== undefined) {
        // `"f:<name>":{}` each: the name quoted, `f:` and `:{}`.
        bytes += listBytes(node.pendingFields) + 5 * node.pendingFields.length;
        continue;
      }
      const children = childrenOf(node);
      bytes += listBytes([...children.keys()]);
      for (const child of children.values()) {
        // The colon, then `{}` or the child's own object.
        if (hasChildren(child)) {
          bytes += 1;
          pending.push({ node: child, includeSelf: true });
        } else bytes += 3;
      }
    }
    return bytes;
  }

  /** Reads a `fieldsV1` object; throws on a key that is not a path element. */
  static fromFieldsV1(fields: JsonValue): FieldSet {
    const set = FieldSet.of();
    const walk = (node: JsonValue, prefix: PathElement[]): void => {
      if (!isJsonObject(node)) throw new Error(`fieldsV1 at ${pathString(prefix) || "the root"} is not an object`);
      for (const [element, child] of Object.entries(node)) {
        if (element === ".") {
          set.insert(prefix);
          continue;
        }
        if (!/^[fkvi]:/.test(element)) throw new Error(`fieldsV1 has an unknown path element ${JSON.stringify(element)}`);
        const path = [...prefix, element];
        if (isJsonObject(child) && Object.keys(child).length === 0) set.insert(path);
        else walk(child, path);
      }
    };
    walk(fields, []);
    return set;
  }
}
