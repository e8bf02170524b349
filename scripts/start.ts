// `npm start`: until the HTTP side lands, the worked domain demonstration.
await import('./demo.js');
