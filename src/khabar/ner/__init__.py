"""khabar.ner"""
