// Checks the phone's operations (operations/*.graphql) against the contract
// (../mobile_api_schema.graphql) with graphql-js, the reference implementation Apollo's
// code generators build on: every document must parse and pass the specification's validation
// rules, with the fragments of its own file; operation and fragment names must be unique across
// all files (Apollo iOS and Apollo Kotlin generate one class per name). Exit 1 on any problem.
// Run by `make client-check` (npm ci first), which .ci/run calls.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate, Kind, GraphQLError } from "graphql";

const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = join(here, "..", "mobile_api_schema.graphql");
const folder = join(here, "operations");
const schema = buildSchema(readFileSync(schemaPath, "utf8"));

const problems = [];
const seen = new Map(); // name -> file
let operationCount = 0;
const files = readdirSync(folder).filter((name) => name.endsWith(".graphql")).sort();
if (files.length === 0) problems.push(`no .graphql files in ${folder}`);

for (const file of files) {
  const source = readFileSync(join(folder, file), "utf8");
  let document;
  try {
    document = parse(source);
  } catch (error) {
    problems.push(`${file}: ${error instanceof GraphQLError ? error.toString() : error}`);
    continue;
  }
  for (const error of validate(schema, document)) {
    problems.push(`${file}: ${error.toString()}`);
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) {
      problems.push(`${file}: only operations and fragments belong here`);
      continue;
    }
    if (!definition.name) {
      problems.push(`${file}: every operation needs a name (the manifest and Apollo key on it)`);
      continue;
    }
    const kind = definition.kind === Kind.FRAGMENT_DEFINITION ? "fragment" : "operation";
    const key = `${kind} ${definition.name.value}`;
    if (seen.has(key)) {
      problems.push(`${file}: ${key} is also defined in ${seen.get(key)}`);
    }
    seen.set(key, file);
    if (kind === "operation") operationCount += 1;
  }
}

if (problems.length) {
  console.error(problems.join("\n\n"));
  console.error(`\n${problems.length} problem(s) in client/operations.`);
  process.exit(1);
}
console.log(`${operationCount} operations in ${files.length} files valid against mobile_api_schema.graphql`);
