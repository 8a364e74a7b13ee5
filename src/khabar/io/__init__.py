"""khabar.io"""
