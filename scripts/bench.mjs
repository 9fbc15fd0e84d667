// Placeholder until the performance issue lands: it measures nothing, so it says so and fails.
console.error('npm run bench: no benchmark yet (see the performance issue). Nothing was measured.');
process.exit(2);
