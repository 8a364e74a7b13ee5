"""khabar.link"""
