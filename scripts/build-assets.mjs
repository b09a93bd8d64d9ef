// Builds lms/static/app.css and copies GOV.UK Frontend's script and assets.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const dist = "node_modules/govuk-frontend/dist/govuk";
const out = "lms/static/govuk";
mkdirSync(out, { recursive: true });
cpSync(`${dist}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${dist}/assets`, `${out}/assets`, { recursive: true });

const result = sass.compile("lms/assets/app.scss", {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync("lms/static/app.css", result.css);
console.log("Built lms/static/app.css and lms/static/govuk/");
