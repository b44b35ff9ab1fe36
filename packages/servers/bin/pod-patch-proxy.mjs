#!/usr/bin/env node
// `pod-patch-proxy`: the project's `npm run proxy` (tools/servers/proxy.ts, compiled by build.mjs), same options.
import "../dist/tools/servers/proxy.js";
