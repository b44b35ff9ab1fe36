#!/usr/bin/env node
// `pod-patch-mock`: the project's `npm run mock` (tools/servers/mock.ts, compiled by build.mjs), same options.
import "../dist/tools/servers/mock.js";
