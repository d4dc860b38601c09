#!/usr/bin/env bash
# Rebuild static/govuk from the govuk-frontend npm package (pinned in package.json).
# The built files are committed, so running the product never needs Node.js.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund
npx sass --pkg-importer=node --style=compressed --no-source-map app.scss ../static/govuk/css/govuk-frontend.css
dist=node_modules/govuk-frontend/dist/govuk
cp "$dist/govuk-frontend.min.js" ../static/govuk/js/
rm -rf ../static/govuk/assets/images && cp -r "$dist/assets/images" ../static/govuk/assets/
cp "$dist/assets/manifest.json" ../static/govuk/assets/
echo "Built GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") into static/govuk"
