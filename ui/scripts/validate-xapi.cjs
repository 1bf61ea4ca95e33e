// Validates xAPI statements with Learning Locker's conformance-tested validator
// (npm xapi-validation). Usage: node validate-xapi.cjs statements.json
// Prints each problem and exits 1 if there is any; exits 0 when every statement is valid.
const fs = require('node:fs');
const validate = require('xapi-validation').default;

const file = process.argv[2];
const statements = JSON.parse(fs.readFileSync(file, 'utf8'));
if (!Array.isArray(statements) || statements.length === 0) {
  console.error(`${file}: expected a non-empty array of statements`);
  process.exit(1);
}
let problems = 0;
statements.forEach((statement, i) => {
  for (const warning of validate(statement)) {
    problems += 1;
    console.log(`statement ${i} (${statement.id}): ${JSON.stringify(warning)}`);
  }
});
console.log(`${statements.length} statements, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
