"""khabar.kb"""
