import { defineCommand } from "citty";
import { describe, jsonArgs } from "./_shared.ts";
export default defineCommand({ meta: describe({ name: "list", description: "List sessions", examples: ["ccshare list"] }), args: { ...jsonArgs }, run() { console.log("[]"); } });
