// House lint rules for the contract, loaded by redocly.yaml (`plugins:`). Each message shows the fix.
const patchMediaTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

/** A schema needs a description when it is a whole file (a component) or a named property. */
function described() {
  return {
    Schema(schema, ctx) {
      const pointer = ctx.location.pointer;
      const isComponent = pointer === "#/" || /^#\/components\/schemas\/[^/]+$/.test(pointer);
      const isProperty = /\/properties\/[^/]+$/.test(pointer);
      if ((isComponent || isProperty) && typeof schema.description !== "string") {
        ctx.report({
          message: "Describe this schema or property in your own words, e.g. `description: Seconds to wait before the first probe.`",
          location: ctx.location.key(),
        });
      }
    },
  };
}

/** Follows a $ref (relative to the file `from` it was read in); returns the node and the file it lives in. */
function follow(ctx, node, from) {
  if (!node || typeof node.$ref !== "string") return { node, from };
  const resolved = ctx.resolve(node, from);
  return { node: resolved.node, from: resolved.location ? resolved.location.source.absoluteRef : from };
}

function isStatusSchema(schema, ctx, from) {
  const resolved = follow(ctx, schema, from).node;
  const gvk = resolved && resolved["x-kubernetes-group-version-kind"];
  return Array.isArray(gvk) && gvk.some((entry) => entry.kind === "Status");
}

/** Every 4xx/5xx answer is a Kubernetes Status in application/json with at least one example. */
function errorsAreStatus() {
  return {
    Responses(responses, ctx) {
      for (const [code, reference] of Object.entries(responses)) {
        if (!/^[45]\d\d$/.test(code)) continue;
        const { node: response, from } = follow(ctx, reference, ctx.location.source.absoluteRef);
        const json = response?.content?.["application/json"];
        const exampleCount = json?.examples ? Object.keys(json.examples).length : json?.example !== undefined ? 1 : 0;
        if (!json || !isStatusSchema(json.schema, ctx, from) || exampleCount === 0) {
          ctx.report({
            message: `Response ${code} must return \`application/json\` with \`schema: {$ref: ../schemas/Status.yaml}\` and at least one named example whose reason and code match.`,
            location: ctx.location.child([code]).key(),
          });
        }
      }
    },
  };
}

/** Clients wait on 429 and 503 only if the contract tells them how long. */
function retryAfter() {
  return {
    Responses(responses, ctx) {
      for (const code of ["429", "503"]) {
        const reference = responses[code];
        if (!reference) continue;
        const { node: response } = follow(ctx, reference, ctx.location.source.absoluteRef);
        if (!response?.headers?.["Retry-After"]) {
          ctx.report({
            message: `Response ${code} must declare \`headers: {Retry-After: {$ref: ../headers/RetryAfter.yaml}}\`.`,
            location: ctx.location.child([code]).key(),
          });
        }
      }
    },
  };
}

/** A PATCH takes exactly the patch media types, each with its own schema and a named example. */
function patchMediaTypesRule() {
  return {
    Operation: {
      enter(operation, ctx) {
        if (ctx.key !== "patch" || !operation.requestBody) return;
        const { node: body } = follow(ctx, operation.requestBody, ctx.location.source.absoluteRef);
        const declared = Object.keys(body?.content ?? {});
        const missing = patchMediaTypes.filter((type) => !declared.includes(type));
        const extra = declared.filter((type) => !patchMediaTypes.includes(type));
        if (missing.length > 0 || extra.length > 0) {
          ctx.report({
            message: `A PATCH body must declare exactly ${patchMediaTypes.join(", ")}; missing: [${missing.join(", ")}], not allowed: [${extra.join(", ")}].`,
            location: ctx.location.child(["requestBody"]).key(),
          });
        }
        const refs = new Set();
        for (const type of declared) {
          const media = body.content[type];
          const schemaRef = media?.schema?.$ref;
          if (!schemaRef || refs.has(schemaRef) || !media.examples || Object.keys(media.examples).length === 0) {
            ctx.report({
              message: `\`${type}\` needs a schema of its own (\`$ref: ../schemas/<Format>Patch.yaml\`, not shared with another media type) and at least one named example.`,
              location: ctx.location.child(["requestBody"]).key(),
            });
          }
          refs.add(schemaRef);
        }
      },
    },
  };
}

export default function houseRules() {
  return {
    id: "house",
    rules: {
      oas3: {
        described,
        "errors-are-status": errorsAreStatus,
        "retry-after": retryAfter,
        "patch-media-types": patchMediaTypesRule,
      },
    },
  };
}
