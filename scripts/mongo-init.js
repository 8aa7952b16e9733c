// MongoDB init for docker compose: the official mongo image runs *.js files in
// /docker-entrypoint-initdb.d with mongosh once, when the data directory is empty.
// Creates the reader's database, collection and indexes (the same ones reader-service creates
// at start-up, so either may run first: createIndex with an identical spec is a no-op).
// Equivalent of the Go original's scripts/init.js, minus its text index: search here is a
// case-insensitive substring match, which a text index cannot serve.

/* global db */
const products = db.getSiblingDB('products');

if (!products.getCollectionNames().includes('products')) {
  products.createCollection('products');
}

products.products.createIndex({ productId: 1 }, { name: 'productId_unique', unique: true });
products.products.createIndex({ name: 1, description: 1 }, { name: 'name_description' });
products.products.createIndex({ deleted: 1, createdAt: -1, productId: 1 }, { name: 'live_newest_first' });

printjson(products.products.getIndexes());
