"""khabar.store"""
