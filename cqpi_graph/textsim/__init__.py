"""Competences understood from text (issue 14): the text model of a store generation.

- ``french``: French normalisation (stems) of a text;
- ``space``: TF-IDF vectors and top-k cosine matching;
- ``corpus``: the texts the graph holds (competences, certifications, ROME jobs);
- ``model``: the text model, built by `cqpi build` and kept beside the generation;
- ``jobs``: certification -> ROME jobs, job -> jobs;
- ``pairs``: certification <-> certification (matched blocs), groups across certifiers;
- ``socle_text``: the computed side of `cqpi socle --computed`;
- ``api``: what the CLI and the web view call.

The computed alignments graph is written by ``cqpi_graph.align``.
"""
