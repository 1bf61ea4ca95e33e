// Cytoscape.js with the drag-to-connect extension registered once, for every graph view.
import cytoscape from 'cytoscape';
import edgehandles from 'cytoscape-edgehandles';

cytoscape.use(edgehandles);

export default cytoscape;
