"""Bank distribution (社会化发放): file layouts described in data, the bank file, the return file.

Pure modules: no models, no database. The payments app's services call them with the lines of a
cycle and record what they return (name, SHA-256, count, total; the classified return lines).
"""
