/**
 * Schema drift: what a live apiserver publishes about itself (`/openapi/v3/api/v1`) against the bundled
 * contract, for the Pod model and the PATCH operation.
 *
 * The two documents name schemas differently (`io.k8s.api.core.v1.PodSpec` vs `PodSpec`) and wrap
 * references differently (`allOf: [{$ref}]` beside a default vs a `$ref` with siblings), so the walk pairs
 * schemas by position: it starts at the two Pods and follows each property, list item and map value of
 * both at once. Compared per pair: type (with `oneOf` branches), format, enum values, required names,
 * properties (existence, then recursively), `default` and the Kubernetes list/map/patch extensions; for
 * the operation: its parameters (place, required, type, constraints), the request media types and the
 * media types of its 200/201 answers. Descriptions are never compared: the contract writes its own.
 *
 * Input: the server's document and the contract. Output: how many elements were compared per area and
 * every difference, each classified by what it does to a user:
 * - `contract-refuses`: the contract refuses (or cannot express) what the server accepts;
 * - `contract-accepts`: the contract accepts what the server refuses or does not know;
 * - `documentation`: nothing is accepted or refused differently (defaults, annotations).
 * Pure function; nothing here talks to a server.
 */
import { dereference, type OpenApiNode, refName } from "../contract/bundle.js";

export type Impact = "contract-refuses" | "contract-accepts" | "documentation";

export type SchemaArea = "pod-model" | "patch-operation";

export type SchemaAspect =
  | "property"
  | "type"
  | "format"
  | "enum"
  | "required"
  | "extension"
  | "default"
  | "parameter"
  | "constraint"
  | "request-media-type"
  | "response-media-type";

export interface SchemaDifference {
  area: SchemaArea;
  /** Stable identity: `<location>:<aspect>[:<value>]`, e.g. `Container.imagePullPolicy:enum:""`. */
  id: string;
  /** Contract schema and property (`Container.imagePullPolicy`), or the operation's element (`query dryRun`). */
  location: string;
  /** The first path from the Pod where the walk met it (`spec.containers[].imagePullPolicy`); absent for the operation. */
  podPath?: string;
  aspect: SchemaAspect;
  impact: Impact;
  /** What the contract says (absent: nothing). */
  contract?: unknown;
  /** What the server says (absent: nothing). */
  server?: unknown;
  detail: string;
}

export interface SchemaComparison {
  /** `/version` of the server is not known here; the caller adds it. */
  compared: Record<SchemaArea, number>;
  differences: SchemaDifference[];
  /** Contract schema name → server schema name, as paired by the walk. */
  pairs: Record<string, string>;
}

export class ServerDocumentError extends Error {
  override name = "ServerDocumentError";
}

const podPathOperation = "/api/v1/namespaces/{namespace}/pods/{name}";
const serverPodSchema = "io.k8s.api.core.v1.Pod";

/** Extensions that change how a client must build patches or how the server merges them. */
const mergeExtensions = [
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-patch-strategy",
  "x-kubernetes-patch-merge-key",
  "x-kubernetes-group-version-kind",
] as const;

/** Parameter schema keywords that narrow what a value may be. */
const constraintKeywords = ["enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "items"] as const;

/** The component a node refers to: `$ref`, or the server's `allOf: [{ $ref }]` wrapper. */
function refOf(node: OpenApiNode): string | undefined {
  if (typeof node.$ref === "string") return refName(node.$ref);
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && typeof node.allOf[0]?.$ref === "string")
    return refName(node.allOf[0].$ref);
  return undefined;
}

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
};

const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

class Walk {
  readonly differences: SchemaDifference[] = [];
  readonly compared: Record<SchemaArea, number> = { "pod-model": 0, "patch-operation": 0 };
  readonly pairs: Record<string, string> = {};
  private readonly queue: { contract: string; server: string; podPath: string }[] = [];

  constructor(
    private readonly contractSchemas: OpenApiNode,
    private readonly serverSchemas: OpenApiNode,
  ) {}

  check(area: SchemaArea, difference: (Omit<SchemaDifference, "area" | "id"> & { value?: unknown }) | undefined): void {
    this.compared[area] += 1;
    if (difference === undefined) return;
    const { value, ...rest } = difference;
    const id = `${rest.location}:${rest.aspect}${value === undefined ? "" : `:${JSON.stringify(value)}`}`;
    this.differences.push({ area, id, ...rest });
  }

  run(): void {
    this.enqueue("Pod", serverPodSchema, "");
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      const contract = this.contractSchemas[next.contract] as OpenApiNode | undefined;
      const server = this.serverSchemas[next.server] as OpenApiNode | undefined;
      if (contract === undefined) throw new Error(`the contract has no components.schemas.${next.contract}`);
      if (server === undefined) throw new ServerDocumentError(`the server's document has no components.schemas.${next.server}`);
      this.compareInline(contract, server, next.contract, next.podPath);
    }
  }

  private enqueue(contract: string, server: string, podPath: string): void {
    if (this.pairs[contract] !== undefined) return;
    this.pairs[contract] = server;
    this.queue.push({ contract, server, podPath });
  }

  /** A property, item or map-value node of each side. */
  private compareNodes(contract: OpenApiNode, server: OpenApiNode, location: string, podPath: string): void {
    const contractRef = refOf(contract);
    const serverRef = refOf(server);
    this.compareDefault(contract, server, location, podPath);
    this.compareExtensions(contract, server, location, podPath);
    if (contractRef !== undefined && serverRef !== undefined) {
      this.enqueue(contractRef, serverRef, podPath);
      return;
    }
    const contractNode = contractRef === undefined ? contract : (this.contractSchemas[contractRef] as OpenApiNode);
    const serverNode = serverRef === undefined ? server : (this.serverSchemas[serverRef] as OpenApiNode);
    this.compareInline(contractNode, serverNode, location, podPath, contractRef !== undefined || serverRef !== undefined);
  }

  private typeSet(node: OpenApiNode, schemas: OpenApiNode): string[] {
    const own = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
    const branches = (Array.isArray(node.oneOf) ? node.oneOf : []).flatMap((branch: OpenApiNode) => {
      const ref = refOf(branch);
      return this.typeSet(ref === undefined ? branch : (schemas[ref] as OpenApiNode), schemas);
    });
    return [...new Set<string>([...own, ...branches])].sort();
  }

  private compareInline(
    contract: OpenApiNode,
    server: OpenApiNode,
    location: string,
    podPath: string,
    skipNodeLevel = false,
  ): void {
    const area: SchemaArea = "pod-model";
    const base = { location, podPath };
    // Type: the server's `number` for a Quantity branch and the contract's `integer`/`number` are compared as given.
    const contractTypes = this.typeSet(contract, this.contractSchemas);
    const serverTypes = this.typeSet(server, this.serverSchemas);
    const contractOnly = contractTypes.filter((type) => !serverTypes.includes(type));
    const serverOnly = serverTypes.filter((type) => !contractTypes.includes(type));
    this.check(
      area,
      contractOnly.length === 0 && serverOnly.length === 0
        ? undefined
        : {
            ...base,
            aspect: "type",
            impact: serverOnly.length > 0 ? "contract-refuses" : "contract-accepts",
            contract: contractTypes,
            server: serverTypes,
            detail:
              serverOnly.length > 0
                ? `the server also accepts ${serverOnly.join(", ")} here; the contract allows ${contractTypes.join(", ") || "anything"}`
                : `the contract also allows ${contractOnly.join(", ")}; the server's schema says ${serverTypes.join(", ") || "anything"}`,
          },
    );
    this.check(
      area,
      (contract.format ?? null) === (server.format ?? null)
        ? undefined
        : {
            ...base,
            aspect: "format",
            impact: contract.format === undefined ? "contract-accepts" : "contract-refuses",
            contract: contract.format,
            server: server.format,
            detail: `format ${JSON.stringify(contract.format ?? null)} in the contract, ${JSON.stringify(server.format ?? null)} on the server`,
          },
    );
    this.compareEnum(contract, server, location, podPath);
    if (!skipNodeLevel) {
      this.compareDefault(contract, server, location, podPath);
      this.compareExtensions(contract, server, location, podPath);
    }
    const contractRequired: string[] = contract.required ?? [];
    const serverRequired: string[] = server.required ?? [];
    for (const name of [...new Set([...contractRequired, ...serverRequired])].sort()) {
      const inContract = contractRequired.includes(name);
      const onServer = serverRequired.includes(name);
      this.check(
        area,
        inContract === onServer
          ? undefined
          : {
              ...base,
              aspect: "required",
              value: name,
              impact: inContract ? "contract-refuses" : "contract-accepts",
              contract: inContract,
              server: onServer,
              detail: inContract
                ? `the contract requires "${name}"; the server does not`
                : `the server requires "${name}"; the contract does not`,
            },
      );
    }
    const contractProperties: OpenApiNode = contract.properties ?? {};
    const serverProperties: OpenApiNode = server.properties ?? {};
    for (const name of [...new Set([...Object.keys(contractProperties), ...Object.keys(serverProperties)])].sort()) {
      const propertyLocation = `${location}.${name}`;
      const propertyPath = podPath === "" ? name : `${podPath}.${name}`;
      const inContract = contractProperties[name] !== undefined;
      const onServer = serverProperties[name] !== undefined;
      this.check(
        area,
        inContract && onServer
          ? undefined
          : {
              location: propertyLocation,
              podPath: propertyPath,
              aspect: "property",
              impact: inContract ? "contract-accepts" : "contract-refuses",
              contract: inContract,
              server: onServer,
              detail: inContract
                ? `the contract has "${name}"; this server does not know it`
                : `the server has "${name}"; the contract does not describe it`,
            },
      );
      if (inContract && onServer)
        this.compareNodes(contractProperties[name], serverProperties[name], propertyLocation, propertyPath);
    }
    for (const [keyword, suffix] of [
      ["items", "[]"],
      ["additionalProperties", "{}"],
    ] as const) {
      const contractChild = contract[keyword];
      const serverChild = server[keyword];
      const contractHas = typeof contractChild === "object" && contractChild !== null;
      const serverHas = typeof serverChild === "object" && serverChild !== null;
      if (contractHas && serverHas) this.compareNodes(contractChild, serverChild, `${location}${suffix}`, `${podPath}${suffix}`);
      else if (contractHas !== serverHas) {
        this.check(area, {
          ...base,
          aspect: "type",
          value: keyword,
          impact: contractHas ? "contract-refuses" : "contract-accepts",
          contract: contractHas,
          server: serverHas,
          detail: `${keyword} is described ${contractHas ? "only in the contract" : "only on the server"}`,
        });
      }
    }
  }

  private compareEnum(contract: OpenApiNode, server: OpenApiNode, location: string, podPath: string): void {
    const contractEnum: unknown[] | undefined = contract.enum;
    const serverEnum: unknown[] | undefined = server.enum;
    if (contractEnum === undefined && serverEnum === undefined) return;
    if (contractEnum === undefined || serverEnum === undefined) {
      this.check("pod-model", {
        location,
        podPath,
        aspect: "enum",
        impact: contractEnum === undefined ? "contract-accepts" : "contract-refuses",
        contract: contractEnum,
        server: serverEnum,
        detail:
          contractEnum === undefined
            ? `the server lists the values ${JSON.stringify(serverEnum)}; the contract accepts any`
            : `the contract lists the values ${JSON.stringify(contractEnum)}; the server's schema names none`,
      });
      return;
    }
    for (const value of [...new Set([...contractEnum, ...serverEnum])]) {
      const inContract = contractEnum.includes(value);
      const onServer = serverEnum.includes(value);
      this.check(
        "pod-model",
        inContract && onServer
          ? undefined
          : {
              location,
              podPath,
              aspect: "enum",
              value,
              impact: inContract ? "contract-accepts" : "contract-refuses",
              contract: inContract,
              server: onServer,
              detail: inContract
                ? `the contract accepts ${JSON.stringify(value)}; the server's schema does not list it`
                : `the server lists ${JSON.stringify(value)}; the contract refuses it`,
            },
      );
    }
  }

  private compareDefault(contract: OpenApiNode, server: OpenApiNode, location: string, podPath: string): void {
    if (contract.default === undefined && server.default === undefined) return;
    this.check(
      "pod-model",
      sameValue(contract.default, server.default)
        ? undefined
        : {
            location,
            podPath,
            aspect: "default",
            impact: "documentation",
            contract: contract.default,
            server: server.default,
            detail: `default ${canonical(contract.default)} in the contract, ${canonical(server.default)} on the server`,
          },
    );
  }

  private compareExtensions(contract: OpenApiNode, server: OpenApiNode, location: string, podPath: string): void {
    for (const extension of mergeExtensions) {
      if (contract[extension] === undefined && server[extension] === undefined) continue;
      const inContract = contract[extension] !== undefined;
      this.check(
        "pod-model",
        sameValue(contract[extension], server[extension])
          ? undefined
          : {
              location,
              podPath,
              aspect: "extension",
              value: extension,
              // A merge rule only the contract has lets typed patches use a directive the server does not
              // honour; one only the server has is merge behaviour the contract cannot express.
              impact: inContract && server[extension] === undefined ? "contract-accepts" : "contract-refuses",
              contract: contract[extension],
              server: server[extension],
              detail: `${extension}: ${canonical(contract[extension])} in the contract, ${canonical(server[extension])} on the server`,
            },
      );
    }
  }
}

function parametersOf(document: OpenApiNode, pathItem: OpenApiNode, operation: OpenApiNode): Map<string, OpenApiNode> {
  const all = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map((node: OpenApiNode) =>
    dereference(document, node),
  );
  return new Map(all.map((parameter) => [`${parameter.in} ${parameter.name}`, parameter]));
}

function requestMediaTypes(document: OpenApiNode, operation: OpenApiNode): string[] {
  const body = dereference(document, operation.requestBody as OpenApiNode | undefined);
  return Object.keys(body?.content ?? {}).sort();
}

function responseMediaTypes(document: OpenApiNode, operation: OpenApiNode, code: string): string[] | undefined {
  const response = dereference(document, operation.responses?.[code] as OpenApiNode | undefined);
  return response === undefined ? undefined : Object.keys(response.content ?? {}).sort();
}

function compareOperation(walk: Walk, contract: OpenApiNode, server: OpenApiNode): void {
  const area: SchemaArea = "patch-operation";
  const contractPath: OpenApiNode | undefined = contract.paths?.[podPathOperation];
  const serverPath: OpenApiNode | undefined = server.paths?.[podPathOperation];
  if (serverPath?.patch === undefined) throw new ServerDocumentError(`the server's document has no PATCH ${podPathOperation}`);
  if (contractPath?.patch === undefined) throw new Error(`the contract has no PATCH ${podPathOperation}`);
  const contractParameters = parametersOf(contract, contractPath, contractPath.patch);
  const serverParameters = parametersOf(server, serverPath, serverPath.patch);
  for (const key of [...new Set([...contractParameters.keys(), ...serverParameters.keys()])].sort()) {
    const ours = contractParameters.get(key);
    const theirs = serverParameters.get(key);
    const location = key;
    if (ours === undefined || theirs === undefined) {
      walk.check(area, {
        location,
        aspect: "parameter",
        impact: ours === undefined ? "contract-refuses" : "contract-accepts",
        contract: ours !== undefined,
        server: theirs !== undefined,
        detail:
          ours === undefined
            ? "the server takes this parameter; the contract does not describe it"
            : "only the contract has this parameter",
      });
      continue;
    }
    walk.check(
      area,
      Boolean(ours.required) === Boolean(theirs.required)
        ? undefined
        : {
            location,
            aspect: "required",
            impact: ours.required ? "contract-refuses" : "contract-accepts",
            contract: Boolean(ours.required),
            server: Boolean(theirs.required),
            detail: ours.required ? "required in the contract only" : "required on the server only",
          },
    );
    const ourType = ours.schema?.type;
    const theirType = theirs.schema?.type;
    walk.check(
      area,
      sameValue(ourType, theirType)
        ? undefined
        : {
            location,
            aspect: "type",
            impact: "contract-refuses",
            contract: ourType,
            server: theirType,
            detail: `type ${canonical(ourType)} in the contract, ${canonical(theirType)} on the server`,
          },
    );
    for (const keyword of constraintKeywords) {
      const ourValue = ours.schema?.[keyword];
      const theirValue = theirs.schema?.[keyword];
      if (ourValue === undefined && theirValue === undefined) continue;
      walk.check(
        area,
        sameValue(ourValue, theirValue)
          ? undefined
          : {
              location,
              aspect: "constraint",
              value: keyword,
              impact: theirValue === undefined ? "contract-refuses" : "contract-accepts",
              contract: ourValue,
              server: theirValue,
              detail: `${keyword} ${canonical(ourValue)} in the contract, ${canonical(theirValue)} in the server's document`,
            },
      );
    }
  }
  compareMediaTypes(walk, area, {
    location: "request",
    aspect: "request-media-type",
    ours: requestMediaTypes(contract, contractPath.patch),
    theirs: requestMediaTypes(server, serverPath.patch),
    onlyInContract: "the contract takes this patch media type; the server does not list it",
    onlyOnServer: "the server takes this patch media type; the contract refuses it",
  });
  for (const code of ["200", "201"]) {
    compareMediaTypes(walk, area, {
      location: `response ${code}`,
      aspect: "response-media-type",
      ours: responseMediaTypes(contract, contractPath.patch, code) ?? [],
      theirs: responseMediaTypes(server, serverPath.patch, code) ?? [],
      onlyInContract: "only the contract describes this answer format",
      onlyOnServer: "the server can answer in this format; the contract does not describe it",
    });
  }
}

/** One difference per media type listed on one side only (of a request body, or of one response). */
function compareMediaTypes(
  walk: Walk,
  area: SchemaArea,
  side: {
    location: string;
    aspect: "request-media-type" | "response-media-type";
    ours: string[];
    theirs: string[];
    onlyInContract: string;
    onlyOnServer: string;
  },
): void {
  for (const mediaType of [...new Set([...side.ours, ...side.theirs])].sort()) {
    const inContract = side.ours.includes(mediaType);
    const onServer = side.theirs.includes(mediaType);
    walk.check(
      area,
      inContract && onServer
        ? undefined
        : {
            location: `${side.location} ${mediaType}`,
            aspect: side.aspect,
            impact: inContract ? "contract-accepts" : "contract-refuses",
            contract: inContract,
            server: onServer,
            detail: inContract ? side.onlyInContract : side.onlyOnServer,
          },
    );
  }
}

/** Compares the server's `/openapi/v3/api/v1` document with the bundled contract. */
export function compareSchemas(server: OpenApiNode, contract: OpenApiNode): SchemaComparison {
  const serverSchemas = server.components?.schemas;
  if (typeof serverSchemas !== "object" || serverSchemas === null)
    throw new ServerDocumentError("the server's OpenAPI document has no components.schemas");
  const walk = new Walk(contract.components.schemas, serverSchemas);
  walk.run();
  compareOperation(walk, contract, server);
  return { compared: walk.compared, differences: walk.differences, pairs: walk.pairs };
}

/** The part of the server's document the comparison reads: the PATCH path item and the schemas of the Pod closure and the operation. */
export function trimServerDocument(server: OpenApiNode): OpenApiNode {
  const schemas: OpenApiNode = server.components?.schemas ?? {};
  const pathItem: OpenApiNode | undefined = server.paths?.[podPathOperation];
  const keep = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
          const name = refName(value);
          if (!keep.has(name)) {
            keep.add(name);
            visit(schemas[name]);
          }
        } else visit(value);
      }
    }
  };
  keep.add(serverPodSchema);
  visit(schemas[serverPodSchema]);
  visit(pathItem);
  return {
    openapi: server.openapi,
    info: server.info,
    paths: pathItem === undefined ? {} : { [podPathOperation]: pathItem },
    components: {
      schemas: Object.fromEntries(
        [...keep].sort().flatMap((name) => (schemas[name] === undefined ? [] : [[name, schemas[name]]])),
      ),
      ...(server.components?.securitySchemes === undefined ? {} : { securitySchemes: server.components.securitySchemes }),
    },
  };
}
